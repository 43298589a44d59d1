/**
 * What a container really is: which Linux namespaces it has to itself and which it shares, the
 * cgroup limits on its resources, its capabilities and security options, and its mounts, each
 * raw value next to plain words. Pure: from the engine's inspect JSON to a report and to Markdown.
 */
import type { Translate } from '../l10n';
import { escapeMarkdown as escape } from './markdown';

export type NamespaceKind = 'pid' | 'net' | 'ipc' | 'uts' | 'user' | 'cgroup' | 'mnt';

export interface NamespaceRow {
  kind: NamespaceKind;
  /** `private`, `host`, `container` (shared with another container), `none` or `shareable`. */
  mode: 'private' | 'host' | 'container' | 'none' | 'shareable';
  /** For `container`: the other container's name or id. */
  sharedWith: string | undefined;
  /** The setting as the engine reports it, e.g. `NetworkMode=host`. */
  raw: string;
  /** Plain words. */
  meaning: string;
}

export interface LimitRow {
  name: string;
  value: string;
  raw: string;
  meaning: string;
}

export interface MountRow {
  type: string;
  source: string;
  destination: string;
  readOnly: boolean;
  meaning: string;
}

export interface IsolationReport {
  name: string;
  namespaces: NamespaceRow[];
  limits: LimitRow[];
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  readOnlyRootfs: boolean;
  securityOptions: string[];
  seccomp: string;
  apparmor: string;
  mounts: MountRow[];
}

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Binary units, as cgroup limits are set: 67108864 → "64 MiB". */
export function formatBinaryBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? String(value) : value.toFixed(value >= 10 ? 1 : 2);
  return `${text} ${units[unit] ?? ''}`;
}

function namespaceRow(kind: NamespaceKind, setting: string, key: string, t: Translate, defaults: { privateMeaning: string; hostMeaning: string; containerMeaning: (other: string) => string }): NamespaceRow {
  const raw = `${key}=${setting || '""'}`;
  if (setting === 'host') return { kind, mode: 'host', sharedWith: undefined, raw, meaning: defaults.hostMeaning };
  if (setting.startsWith('container:')) {
    const other = setting.slice('container:'.length);
    return { kind, mode: 'container', sharedWith: other, raw, meaning: defaults.containerMeaning(other) };
  }
  if (setting === 'none') return { kind, mode: 'none', sharedWith: undefined, raw, meaning: t('It has none: no network interfaces but loopback.') };
  if (setting === 'shareable') return { kind, mode: 'shareable', sharedWith: undefined, raw, meaning: t('Its own, and other containers may join it.') };
  return { kind, mode: 'private', sharedWith: undefined, raw, meaning: defaults.privateMeaning };
}

export function isolationReport(inspect: Json, t: Translate): IsolationReport {
  const host = obj(inspect.HostConfig);
  const name = str(inspect.Name).replace(/^\//, '') || str(inspect.Id).slice(0, 12);
  const network = str(host.NetworkMode);
  const namespaces: NamespaceRow[] = [
    namespaceRow('pid', str(host.PidMode), 'PidMode', t, {
      privateMeaning: t('Its own process tree: it sees only its own processes, and its first process is PID 1.'),
      hostMeaning: t("Shares the host's processes: it sees (and, with enough privilege, signals) every process on the host."),
      containerMeaning: (o) => t("Shares the processes of container {0}: each sees the other's.", o),
    }),
    network === 'none'
      ? namespaceRow('net', 'none', 'NetworkMode', t, { privateMeaning: '', hostMeaning: '', containerMeaning: () => '' })
      : namespaceRow('net', network === 'host' || network.startsWith('container:') ? network : '', 'NetworkMode', t, {
          privateMeaning: t('Its own network stack (network "{0}"): its own interfaces, addresses and ports.', network || 'default'),
          hostMeaning: t("Shares the host's network: ports are not isolated, and it can reach every service on the host's interfaces."),
          containerMeaning: (o) => t("Shares the network of container {0}: same interfaces, addresses and ports.", o),
        }),
    namespaceRow('ipc', str(host.IpcMode) === 'private' ? '' : str(host.IpcMode), 'IpcMode', t, {
      privateMeaning: t('Its own shared memory and message queues.'),
      hostMeaning: t("Shares the host's shared memory and message queues."),
      containerMeaning: (o) => t('Shares shared memory with container {0}.', o),
    }),
    namespaceRow('uts', str(host.UTSMode), 'UTSMode', t, {
      privateMeaning: t('Its own hostname and domain name.'),
      hostMeaning: t("Uses the host's hostname; changing it changes the host's."),
      containerMeaning: (o) => t('Shares the hostname of container {0}.', o),
    }),
    namespaceRow('user', str(host.UsernsMode), 'UsernsMode', t, {
      privateMeaning: t('User IDs as the engine is configured: root in the container is root on the host unless the engine remaps users (userns-remap).'),
      hostMeaning: t("Uses the host's user IDs: root in the container is root on the host."),
      containerMeaning: (o) => t('Shares the user IDs of container {0}.', o),
    }),
    namespaceRow('cgroup', str(host.CgroupnsMode) === 'private' ? '' : str(host.CgroupnsMode), 'CgroupnsMode', t, {
      privateMeaning: t('Its own view of the cgroup tree.'),
      hostMeaning: t("Sees the host's cgroup tree (the default on cgroup v1)."),
      containerMeaning: (o) => t('Shares the cgroup view of container {0}.', o),
    }),
    {
      kind: 'mnt',
      mode: 'private',
      sharedWith: undefined,
      raw: t('always private'),
      meaning: t('Its own filesystem tree: the image layers plus a writable layer, and the mounts listed below.'),
    },
  ];
  // cgroup v1 without a cgroup namespace setting: Docker shares the host's view.
  const cgroup = namespaces.find((n) => n.kind === 'cgroup');
  if (cgroup && str(host.CgroupnsMode) === '') {
    Object.assign(cgroup, { mode: 'host', meaning: t("Sees the host's cgroup tree (the engine does not give it a cgroup namespace).") });
  }

  const limits: LimitRow[] = [];
  const memory = num(host.Memory);
  limits.push(
    memory > 0
      ? { name: 'memory', value: formatBinaryBytes(memory), raw: `Memory=${memory}`, meaning: t('Beyond this the kernel reclaims memory and, failing that, kills a process in the container (OOM).') }
      : { name: 'memory', value: t('unlimited'), raw: 'Memory=0', meaning: t('It may use all the memory the host has.') },
  );
  const swap = num(host.MemorySwap);
  if (swap !== 0) limits.push({ name: 'memory+swap', value: swap < 0 ? t('unlimited') : formatBinaryBytes(swap), raw: `MemorySwap=${swap}`, meaning: t('Memory and swap together.') });
  const nanoCpus = num(host.NanoCpus);
  const quota = num(host.CpuQuota);
  const period = num(host.CpuPeriod) || 100_000;
  if (nanoCpus > 0) {
    limits.push({ name: 'cpus', value: t('{0} CPU', nanoCpus / 1e9), raw: `NanoCpus=${nanoCpus}`, meaning: t('At most this much CPU time per second, across all cores (CFS quota).') });
  } else if (quota > 0) {
    limits.push({ name: 'cpus', value: t('{0} CPU', Math.round((quota / period) * 100) / 100), raw: `CpuQuota=${quota} CpuPeriod=${period}`, meaning: t('At most {0} µs of CPU time every {1} µs.', quota, period) });
  } else {
    limits.push({ name: 'cpus', value: t('unlimited'), raw: 'NanoCpus=0 CpuQuota=0', meaning: t('It may use every core fully.') });
  }
  const shares = num(host.CpuShares);
  limits.push({ name: 'cpu shares', value: shares > 0 ? String(shares) : t('default (1024)'), raw: `CpuShares=${shares}`, meaning: t('Its relative weight when CPUs are contended; it does not cap anything on an idle host.') });
  const cpuset = str(host.CpusetCpus);
  limits.push({ name: 'cpuset', value: cpuset || t('all CPUs'), raw: `CpusetCpus=${cpuset || '""'}`, meaning: cpuset ? t('It runs only on these CPUs.') : t('It may run on any CPU.') });
  const pids = num(host.PidsLimit);
  limits.push({ name: 'pids', value: pids > 0 ? String(pids) : t('unlimited'), raw: `PidsLimit=${pids}`, meaning: pids > 0 ? t('At most this many processes and threads: a fork bomb stops here.') : t('No limit on processes: a fork bomb can exhaust the host.') });

  const securityOptions = strings(host.SecurityOpt);
  const seccompOpt = securityOptions.find((o) => o.startsWith('seccomp=') || o.startsWith('seccomp:'));
  const apparmorOpt = securityOptions.find((o) => o.startsWith('apparmor=') || o.startsWith('apparmor:'));
  const privileged = host.Privileged === true;

  const mounts = (Array.isArray(inspect.Mounts) ? inspect.Mounts : []).map((m): MountRow => {
    const mount = obj(m);
    const type = str(mount.Type);
    const readOnly = mount.RW === false;
    const source = type === 'volume' ? str(mount.Name) : str(mount.Source);
    const meaning =
      type === 'bind'
        ? readOnly
          ? t('A host folder, read-only: the container sees it but cannot change it.')
          : t('A host folder, writable: changes are made on the host and outlive the container.')
        : type === 'volume'
          ? t('A volume: its data outlives the container.')
          : type === 'tmpfs'
            ? t('Memory only: gone when the container stops.')
            : t('A mount of type {0}.', type);
    return { type, source, destination: str(mount.Destination), readOnly, meaning };
  });

  return {
    name,
    namespaces,
    limits,
    capAdd: strings(host.CapAdd),
    capDrop: strings(host.CapDrop),
    privileged,
    readOnlyRootfs: host.ReadonlyRootfs === true,
    securityOptions,
    seccomp: privileged ? 'unconfined' : seccompOpt ? seccompOpt.slice('seccomp='.length) : 'default',
    apparmor: apparmorOpt ? apparmorOpt.slice('apparmor='.length) : str(inspect.AppArmorProfile) || (privileged ? 'unconfined' : 'none'),
    mounts,
  };
}

const NAMESPACE_TITLES: Record<NamespaceKind, string> = { pid: 'pid', net: 'network', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup', mnt: 'mount' };

export function isolationMarkdown(report: IsolationReport, t: Translate): string {
  const lines: string[] = [];
  lines.push(`# ${t('Isolation of {0}', escape(report.name))}`, '');
  lines.push(`## ${t('Namespaces')}`, '');
  for (const ns of report.namespaces) {
    const state =
      ns.mode === 'host'
        ? t('host (shared)')
        : ns.mode === 'container'
          ? t('container {0} (shared)', escape(ns.sharedWith ?? ''))
          : ns.mode === 'none'
            ? t('none')
            : ns.mode === 'shareable'
              ? t('private (shareable)')
              : t('private');
    lines.push(`- **${NAMESPACE_TITLES[ns.kind]}: ${state}** — ${escape(ns.meaning)} \`${ns.raw}\``);
  }
  lines.push('', `## ${t('Resource limits (cgroups)')}`, '');
  for (const l of report.limits) lines.push(`- **${l.name}: ${escape(l.value)}** — ${escape(l.meaning)} \`${l.raw}\``);
  lines.push('', `## ${t('Privileges')}`, '');
  lines.push(
    report.privileged
      ? `- **${t('privileged: yes')}** — ${t('Every capability, every device, no seccomp or AppArmor confinement: it is as powerful as root on the host.')}`
      : `- **${t('privileged: no')}**`,
  );
  lines.push(`- **${t('capabilities added')}:** ${report.capAdd.length > 0 ? report.capAdd.map((c) => `\`${c}\``).join(', ') : t('none')}`);
  lines.push(
    `- **${t('capabilities dropped')}:** ${report.capDrop.length > 0 ? report.capDrop.map((c) => `\`${c}\``).join(', ') : t('none (the engine\'s default set applies)')}${report.capDrop.includes('ALL') ? ` — ${t('root in the container has no special powers.')}` : ''}`,
  );
  lines.push(
    `- **${t('read-only root filesystem')}: ${report.readOnlyRootfs ? t('yes') : t('no')}** — ${report.readOnlyRootfs ? t('it can write only to its mounts.') : t('its writes go to a writable layer that is lost when the container is removed.')}`,
  );
  lines.push(`- **seccomp:** \`${report.seccomp}\``, `- **AppArmor:** \`${report.apparmor}\``);
  if (report.securityOptions.length > 0) lines.push(`- **${t('security options')}:** ${report.securityOptions.map((o) => `\`${o}\``).join(', ')}`);
  lines.push('', `## ${t('Mounts')}`, '');
  if (report.mounts.length === 0) lines.push(t('None: everything it writes lives in its writable layer.'));
  for (const m of report.mounts) {
    lines.push(`- **${escape(m.destination)}** ← ${m.type} \`${m.source}\`${m.readOnly ? ` (${t('read-only')})` : ''} — ${escape(m.meaning)}`);
  }
  return `${lines.join('\n')}\n`;
}
