/**
 * Run options: what the run form edits, what a pasted `docker run …` line parses to, and the
 * Engine API ContainerCreate body both become. Pure: no `vscode`, no dockerode, no I/O.
 *
 * Nothing here ever hands user text to a shell. A pasted line is split into words by
 * shell-quote's parser, and anything a shell would have done with it (operators, globs,
 * variables, command substitution, comments) is refused with a message rather than guessed at.
 *
 * Decisions worth knowing:
 * - `-e NAME` without `=` takes the value from the caller's shell in Docker. Berth cannot see
 *   that shell (the extension host's environment is a different one), so it is an error that
 *   asks for `-e NAME=value`. For the same reason a bare `NAME` line in an env file is dropped
 *   (reported in `inherited`), as Docker drops names its own environment lacks.
 * - `$PWD`, `${PWD}`, `$(pwd)` and `$HOME` are replaced only when the caller passes `cwd`/`home`;
 *   every other variable is an error naming it. Relative bind sources and env-file paths
 *   (`./data`, `~/x`) resolve against the same `cwd`/`home`, and are errors without them.
 * - Host paths are POSIX paths (the engine's host is Linux, or a Linux VM).
 * - `--platform` and `--pull` are kept in `RunOptions` but are not part of the create body:
 *   the platform is a query parameter of the create call and the pull policy is the caller's.
 */
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { parse as shellParse } from 'shell-quote';
import type { ParseEntry } from 'shell-quote';
import { formatMessage } from '../l10n';
import type { Translate } from '../l10n';

export type PortProtocol = 'tcp' | 'udp' | 'sctp';

export interface PortBinding {
  /** The host address to listen on; absent: all addresses. */
  hostIp?: string;
  /** Absent: the engine picks a free host port. */
  hostPort?: number;
  containerPort: number;
  protocol: PortProtocol;
}

export interface ExposedPort {
  port: number;
  protocol: PortProtocol;
}

export interface NameValue {
  name: string;
  value: string;
}

export interface VolumeSpec {
  /** `bind`: a host path; `volume`: a named volume; `anonymous`: a new volume with no name. */
  kind: 'bind' | 'volume' | 'anonymous';
  /** The absolute host path (bind) or the volume name (volume); absent for anonymous. */
  source?: string;
  /** The absolute path in the container. */
  target: string;
  readOnly: boolean;
  /**
   * Which syntax it came from, because the two behave differently: `-v` creates a missing host
   * folder (Binds), `--mount` refuses it (Mounts).
   */
  via: '-v' | '--mount';
}

export type RestartPolicyName = 'no' | 'always' | 'unless-stopped' | 'on-failure';

export interface RestartPolicy {
  name: RestartPolicyName;
  /** Only with `on-failure`; absent: retry without limit. */
  maxRetries?: number;
}

export type PullPolicy = 'always' | 'missing' | 'never';

export interface RunOptions {
  image: string;
  name?: string;
  /** Replaces the image's CMD; absent: the image's own. */
  command?: string[];
  /** Replaces the image's ENTRYPOINT (`--entrypoint` takes one word; "" clears it). */
  entrypoint?: string;
  /** In the order given; a later one wins over an earlier one and over env-file values. */
  env: NameValue[];
  envFiles: string[];
  ports: PortBinding[];
  /** `-P`: publish every exposed port to a free host port. */
  publishAll: boolean;
  /** `--expose`: exposed but not published. */
  expose: ExposedPort[];
  volumes: VolumeSpec[];
  network?: string;
  restart?: RestartPolicy;
  memoryBytes?: number;
  cpus?: number;
  workdir?: string;
  user?: string;
  hostname?: string;
  labels: NameValue[];
  interactive: boolean;
  tty: boolean;
  /** `--rm` */
  remove: boolean;
  detach: boolean;
  /** `--read-only`: the container's root filesystem. */
  readOnly: boolean;
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  init: boolean;
  platform?: string;
  pull?: PullPolicy;
}

/** Where relative paths and `$PWD`/`$HOME` point; without them those are errors. */
export interface ParseContext {
  cwd?: string;
  home?: string;
}

export type ParseResult = { options: RunOptions } | { error: string };

/** The options of a plain `docker run IMAGE`. */
export function emptyRunOptions(image: string): RunOptions {
  return {
    image,
    env: [],
    envFiles: [],
    ports: [],
    publishAll: false,
    expose: [],
    volumes: [],
    labels: [],
    interactive: false,
    tty: false,
    remove: false,
    detach: false,
    readOnly: false,
    capAdd: [],
    capDrop: [],
    privileged: false,
    init: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Value parsers

const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];

function parsePortNumber(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

/** `80` or `8000-8010` as an inclusive range. */
function parsePortRange(text: string): [number, number] | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const n = parsePortNumber(text);
    return n === undefined ? undefined : [n, n];
  }
  const start = parsePortNumber(text.slice(0, dash));
  const end = parsePortNumber(text.slice(dash + 1));
  if (start === undefined || end === undefined || end < start) return undefined;
  return [start, end];
}

function splitProtocol(spec: string): { rest: string; protocol: PortProtocol } | undefined {
  const slash = spec.lastIndexOf('/');
  if (slash < 0) return { rest: spec, protocol: 'tcp' };
  const protocol = spec.slice(slash + 1).toLowerCase() as PortProtocol;
  if (!PROTOCOLS.includes(protocol)) return undefined;
  return { rest: spec.slice(0, slash), protocol };
}

/**
 * Parses a `-p` value, `[hostIp:][hostPort:]containerPort[/protocol]` with `[v6]` addresses in
 * brackets. Equal-length ranges (`8000-8001:9000-9001`) expand to one binding per port.
 * Undefined when the spec is invalid, including a host range onto a single container port.
 */
export function parsePortSpec(spec: string): PortBinding[] | undefined {
  const split = splitProtocol(spec.trim());
  if (!split) return undefined;
  let { rest } = split;
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return undefined;
    hostIp = rest.slice(1, close);
    if (isIP(hostIp) !== 6) return undefined;
    rest = rest.slice(close + 2);
    if (!rest.includes(':')) return undefined;
  }
  const parts = rest.split(':');
  let hostPortText: string | undefined;
  let containerText: string;
  if (parts.length === 1) {
    containerText = parts[0] ?? '';
  } else if (parts.length === 2) {
    hostPortText = parts[0];
    containerText = parts[1] ?? '';
  } else if (parts.length === 3 && hostIp === undefined) {
    const ip = parts[0] ?? '';
    if (ip !== '') {
      if (isIP(ip) !== 4) return undefined;
      hostIp = ip;
    }
    hostPortText = parts[1];
    containerText = parts[2] ?? '';
  } else {
    return undefined;
  }
  const container = parsePortRange(containerText);
  if (!container) return undefined;
  let host: [number, number] | undefined;
  if (hostPortText !== undefined && hostPortText !== '') {
    host = parsePortRange(hostPortText);
    if (!host || host[1] - host[0] !== container[1] - container[0]) return undefined;
  }
  const bindings: PortBinding[] = [];
  for (let offset = 0; offset <= container[1] - container[0]; offset++) {
    const binding: PortBinding = { containerPort: container[0] + offset, protocol: split.protocol };
    if (hostIp !== undefined) binding.hostIp = hostIp;
    if (host) binding.hostPort = host[0] + offset;
    bindings.push(binding);
  }
  return bindings;
}

/** Parses an `--expose` value: `80`, `80/udp` or a range `8000-8010`. */
export function parseExposeSpec(spec: string): ExposedPort[] | undefined {
  const split = splitProtocol(spec.trim());
  const range = split && parsePortRange(split.rest);
  if (!split || !range) return undefined;
  const ports: ExposedPort[] = [];
  for (let port = range[0]; port <= range[1]; port++) ports.push({ port, protocol: split.protocol });
  return ports;
}

const MEMORY_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/**
 * Parses a memory size as Docker does (binary units): `512`, `64m`, `1.5g`, `64MiB`, `2 GB`.
 * Undefined when it is not a size.
 */
export function parseMemory(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = MEMORY_UNITS[(match[2] ?? '').toLowerCase()] ?? 1;
  const bytes = Math.trunc(Number(match[1]) * unit);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The shortest exact way to write a size back: `64m` rather than 67108864. */
export function formatMemory(bytes: number): string {
  for (const [unit, size] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes > 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function parseCpus(text: string): number | undefined {
  if (!/^(\d+(\.\d{0,9})?|\.\d{1,9})$/.test(text)) return undefined;
  const cpus = Number(text);
  return Number.isFinite(cpus) ? cpus : undefined;
}

function formatCpus(cpus: number): string {
  return cpus.toFixed(9).replace(/\.?0+$/, '');
}

function parseRestart(text: string): RestartPolicy | undefined {
  const match = /^(no|always|unless-stopped|on-failure)(?::(\d{1,9}))?$/.exec(text);
  if (!match) return undefined;
  const name = match[1] as RestartPolicyName;
  if (match[2] === undefined) return { name };
  if (name !== 'on-failure') return undefined;
  return { name, maxRetries: Number(match[2]) };
}

function formatRestart(restart: RestartPolicy): string {
  return restart.maxRetries === undefined ? restart.name : `${restart.name}:${restart.maxRetries}`;
}

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export interface EnvFileEntries {
  ok: true;
  /** `NAME=value` lines, values taken literally (no quotes processing, no trimming). */
  entries: NameValue[];
  /** Bare `NAME` lines: Docker takes them from its own environment; Berth leaves them out. */
  inherited: string[];
}

export interface EnvFileError {
  ok: false;
  /** 1-based. */
  line: number;
  problem: 'no-name' | 'whitespace-in-name';
  /** The offending variable name or line. */
  text: string;
}

/**
 * Parses an env file by Docker's rules: lines are trimmed at the start only; blank lines and
 * lines starting with `#` are skipped; `NAME=VALUE` splits at the first `=` and keeps the value
 * exactly (quotes included); a name with a space or tab, or an empty name, fails the file.
 */
export function parseEnvFile(text: string): EnvFileEntries | EnvFileError {
  const entries: NameValue[] = [];
  const inherited: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  // A final newline does not start another line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '').replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).replace(/^[ \t]+/, '');
    if (/[ \t]/.test(name)) return { ok: false, line: index + 1, problem: 'whitespace-in-name', text: name };
    if (name === '') return { ok: false, line: index + 1, problem: 'no-name', text: line };
    if (eq < 0) inherited.push(name);
    else entries.push({ name, value: line.slice(eq + 1) });
  }
  return { ok: true, entries, inherited };
}

/** A user-facing sentence for an env-file error. */
export function describeEnvFileError(path: string, error: EnvFileError, t: Translate): string {
  return error.problem === 'no-name'
    ? t('The env file {0} has no variable name on line {1}: {2}', path, error.line, error.text)
    : t('The env file {0} has a variable name with spaces on line {1}: "{2}"', path, error.line, error.text);
}

/** The ports an image exposes (`Config.ExposedPorts` of an image inspect), sorted and unique. */
export function suggestedPorts(imageInspect: unknown): ExposedPort[] {
  const config = isRecord(imageInspect) ? imageInspect.Config : undefined;
  const exposed = isRecord(config) ? config.ExposedPorts : undefined;
  if (!isRecord(exposed)) return [];
  const seen = new Set<string>();
  const ports: ExposedPort[] = [];
  for (const key of Object.keys(exposed)) {
    for (const port of parseExposeSpec(key) ?? []) {
      const id = `${port.port}/${port.protocol}`;
      if (seen.has(id)) continue;
      seen.add(id);
      ports.push(port);
    }
  }
  return ports.sort((a, b) => a.port - b.port || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Paths

function resolveHostPath(path: string, context: ParseContext): string | undefined {
  if (path.startsWith('/')) return posix.normalize(path);
  if (path === '~' || path.startsWith('~/')) {
    return context.home === undefined ? undefined : posix.join(context.home, path.slice(1));
  }
  return context.cwd === undefined ? undefined : posix.resolve(context.cwd, path);
}

function isRelativeHostPath(source: string): boolean {
  return source === '.' || source === '..' || source.startsWith('./') || source.startsWith('../') || source === '~' || source.startsWith('~/');
}

// ---------------------------------------------------------------------------------------------
// Volumes

function parseVolumeFlag(value: string, context: ParseContext, t: Translate): VolumeSpec | string {
  const invalid = (): string => t('-v {0}: use host-path:container-path[:ro], volume-name:container-path[:ro] or container-path.', value);
  const parts = value.split(':');
  let source: string | undefined;
  let target: string;
  let mode: string | undefined;
  if (parts.length === 1) {
    target = parts[0] ?? '';
  } else if (parts.length === 2) {
    // `/data:ro` is an anonymous volume with a mode; `name:/data` a source and a target.
    if ((parts[0] ?? '').startsWith('/') && !(parts[1] ?? '').startsWith('/')) {
      target = parts[0] ?? '';
      mode = parts[1];
    } else {
      source = parts[0];
      target = parts[1] ?? '';
    }
  } else if (parts.length === 3) {
    [source, target = '', mode] = parts;
  } else {
    return invalid();
  }
  if (!target.startsWith('/')) return invalid();
  let readOnly = false;
  for (const option of mode === undefined ? [] : mode.split(',')) {
    if (option === 'ro') readOnly = true;
    else if (option === 'rw') readOnly = false;
    else return t('-v {0}: the option "{1}" is not supported (only ro and rw are).', value, option);
  }
  if (source === undefined || source === '') {
    if (source === '') return invalid();
    return { kind: 'anonymous', target, readOnly, via: '-v' };
  }
  if (source.startsWith('/') || isRelativeHostPath(source)) {
    const resolved = resolveHostPath(source, context);
    if (resolved === undefined) return relativePathError('-v', source, t);
    return { kind: 'bind', source: resolved, target, readOnly, via: '-v' };
  }
  if (!VOLUME_NAME.test(source)) return t('-v {0}: "{1}" is neither an absolute host path nor a volume name.', value, source);
  return { kind: 'volume', source, target, readOnly, via: '-v' };
}

function relativePathError(flag: string, path: string, t: Translate): string {
  return t('{0} {1}: a relative path needs a folder to resolve it against; use an absolute path.', flag, path);
}

/** Splits a `--mount` value as CSV (Docker reads it with a CSV reader): `"a,b"` keeps its comma. */
function splitCsv(text: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i];
        i++;
      }
      if (i < text.length && text[i] !== ',') return undefined;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      field = text.slice(i, end);
      if (field.includes('"')) return undefined;
      i = end;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

function csvField(field: string): string {
  return /[",\n]/.test(field) || field.startsWith(' ') ? `"${field.replace(/"/g, '""')}"` : field;
}

function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  return undefined;
}

function parseMountFlag(value: string, context: ParseContext, t: Translate): VolumeSpec | string {
  const fields = splitCsv(value);
  if (!fields) return t('--mount {0}: the value is not valid CSV.', value);
  let type = 'volume';
  let source: string | undefined;
  let target: string | undefined;
  let readOnly = false;
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    switch (key) {
      case 'type':
        type = val ?? '';
        break;
      case 'source':
      case 'src':
        source = val;
        break;
      case 'target':
      case 'destination':
      case 'dst':
        target = val;
        break;
      case 'readonly':
      case 'ro': {
        const b = val === undefined ? true : parseBool(val);
        if (b === undefined) return t('--mount {0}: "{1}" is not true or false.', value, field);
        readOnly = b;
        break;
      }
      default:
        return t('--mount {0}: the option "{1}" is not supported (type, source, target and readonly are).', value, key);
    }
  }
  if (type !== 'bind' && type !== 'volume') return t('--mount {0}: the type "{1}" is not supported (bind and volume are).', value, type);
  if (target === undefined || !target.startsWith('/')) return t('--mount {0}: target= must be an absolute path in the container.', value);
  if (type === 'bind') {
    if (source === undefined || source === '') return t('--mount {0}: a bind mount needs source=.', value);
    const resolved = resolveHostPath(source, context);
    if (resolved === undefined) return relativePathError('--mount', source, t);
    return { kind: 'bind', source: resolved, target, readOnly, via: '--mount' };
  }
  if (source === undefined || source === '') return { kind: 'anonymous', target, readOnly, via: '--mount' };
  if (!VOLUME_NAME.test(source)) return t('--mount {0}: "{1}" is not a valid volume name.', value, source);
  return { kind: 'volume', source, target, readOnly, via: '--mount' };
}

// ---------------------------------------------------------------------------------------------
// The flag table

interface Env {
  context: ParseContext;
  t: Translate;
}

type BoolApply = (o: RunOptions, on: boolean) => void;
/** Returns an error message, or undefined when the value was taken. */
type ValueApply = (o: RunOptions, value: string, flag: string, env: Env) => string | undefined;

const BOOL_FLAGS: Record<string, BoolApply> = {
  detach: (o, on) => (o.detach = on),
  interactive: (o, on) => (o.interactive = on),
  tty: (o, on) => (o.tty = on),
  rm: (o, on) => (o.remove = on),
  'publish-all': (o, on) => (o.publishAll = on),
  'read-only': (o, on) => (o.readOnly = on),
  privileged: (o, on) => (o.privileged = on),
  init: (o, on) => (o.init = on),
};

const VALUE_FLAGS: Record<string, ValueApply> = {
  name: (o, v, flag, { t }) => {
    const name = v.startsWith('/') ? v.slice(1) : v;
    if (!CONTAINER_NAME.test(name)) return t('{0} {1}: a name has two or more letters, digits, _ . or -, starting with a letter or digit.', flag, quoteForMessage(v));
    o.name = name;
    return undefined;
  },
  publish: (o, v, flag, { t }) => {
    const ports = parsePortSpec(v);
    if (!ports) return t('{0} {1}: not a port mapping; use [host-ip:][host-port:]container-port[/tcp|udp|sctp].', flag, quoteForMessage(v));
    o.ports.push(...ports);
    return undefined;
  },
  expose: (o, v, flag, { t }) => {
    const ports = parseExposeSpec(v);
    if (!ports) return t('{0} {1}: not a port or port range; use port[-port][/tcp|udp|sctp].', flag, quoteForMessage(v));
    o.expose.push(...ports);
    return undefined;
  },
  env: (o, v, flag, { t }) => {
    const eq = v.indexOf('=');
    if (eq === 0) return t('{0} {1}: the variable has no name.', flag, quoteForMessage(v));
    if (eq < 0) return t('{0} {1}: Docker would take the value from your shell, which Berth cannot see; write {1}=value.', flag, v);
    o.env.push({ name: v.slice(0, eq), value: v.slice(eq + 1) });
    return undefined;
  },
  'env-file': (o, v, flag, { context, t }) => {
    if (v === '') return t('{0} needs a file path.', flag);
    const resolved = resolveHostPath(v, context);
    if (resolved === undefined) return relativePathError(flag, v, t);
    o.envFiles.push(resolved);
    return undefined;
  },
  volume: (o, v, _flag, { context, t }) => {
    const spec = parseVolumeFlag(v, context, t);
    if (typeof spec === 'string') return spec;
    o.volumes.push(spec);
    return undefined;
  },
  mount: (o, v, _flag, { context, t }) => {
    const spec = parseMountFlag(v, context, t);
    if (typeof spec === 'string') return spec;
    o.volumes.push(spec);
    return undefined;
  },
  network: (o, v, flag, { t }) => {
    if (v === '') return t('{0} needs a network name.', flag);
    if (o.network !== undefined && o.network !== v) return t('{0} {1}: only one network is supported (already {2}).', flag, v, o.network);
    o.network = v;
    return undefined;
  },
  restart: (o, v, flag, { t }) => {
    const restart = parseRestart(v);
    if (!restart) return t('{0} {1}: use no, always, unless-stopped or on-failure[:max-retries].', flag, quoteForMessage(v));
    o.restart = restart;
    return undefined;
  },
  memory: (o, v, flag, { t }) => {
    const bytes = parseMemory(v);
    if (bytes === undefined) return t('{0} {1}: not a memory size; use a number with b, k, m or g, e.g. 512m.', flag, quoteForMessage(v));
    o.memoryBytes = bytes;
    return undefined;
  },
  cpus: (o, v, flag, { t }) => {
    const cpus = parseCpus(v);
    if (cpus === undefined) return t('{0} {1}: not a number of CPUs, e.g. 0.5 or 2.', flag, quoteForMessage(v));
    o.cpus = cpus;
    return undefined;
  },
  workdir: (o, v) => void (o.workdir = v),
  user: (o, v) => void (o.user = v),
  hostname: (o, v) => void (o.hostname = v),
  entrypoint: (o, v) => void (o.entrypoint = v),
  platform: (o, v) => void (o.platform = v),
  label: (o, v, flag, { t }) => {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (name === '') return t('{0} {1}: the label has no name.', flag, quoteForMessage(v));
    o.labels.push({ name, value: eq < 0 ? '' : v.slice(eq + 1) });
    return undefined;
  },
  'cap-add': (o, v, flag, { t }) => (v === '' ? t('{0} needs a capability name.', flag) : void o.capAdd.push(v)),
  'cap-drop': (o, v, flag, { t }) => (v === '' ? t('{0} needs a capability name.', flag) : void o.capDrop.push(v)),
  pull: (o, v, flag, { t }) => {
    if (v !== 'always' && v !== 'missing' && v !== 'never') return t('{0} {1}: use always, missing or never.', flag, quoteForMessage(v));
    o.pull = v;
    return undefined;
  },
};

const LONG_ALIASES: Record<string, string> = { net: 'network' };

const SHORT_FLAGS: Record<string, string> = {
  d: 'detach',
  e: 'env',
  h: 'hostname',
  i: 'interactive',
  l: 'label',
  m: 'memory',
  p: 'publish',
  P: 'publish-all',
  t: 'tty',
  u: 'user',
  v: 'volume',
  w: 'workdir',
};

/** Flags `docker run` has that Berth does not take, so the error can say which kind it is. */
const KNOWN_UNSUPPORTED = new Set([
  'add-host', 'annotation', 'attach', 'blkio-weight', 'blkio-weight-device', 'cgroup-parent', 'cgroupns', 'cidfile',
  'cpu-count', 'cpu-percent', 'cpu-period', 'cpu-quota', 'cpu-rt-period', 'cpu-rt-runtime', 'cpu-shares', 'cpuset-cpus',
  'cpuset-mems', 'detach-keys', 'device', 'device-cgroup-rule', 'device-read-bps', 'device-read-iops', 'device-write-bps',
  'device-write-iops', 'disable-content-trust', 'dns', 'dns-opt', 'dns-option', 'dns-search', 'domainname', 'gpus',
  'group-add', 'health-cmd', 'health-interval', 'health-retries', 'health-start-interval', 'health-start-period',
  'health-timeout', 'help', 'io-maxbandwidth', 'io-maxiops', 'ip', 'ip6', 'ipc', 'isolation', 'kernel-memory', 'label-file',
  'link', 'link-local-ip', 'log-driver', 'log-opt', 'mac-address', 'memory-reservation', 'memory-swap', 'memory-swappiness',
  'network-alias', 'no-healthcheck', 'oom-kill-disable', 'oom-score-adj', 'pid', 'pids-limit', 'quiet', 'runtime',
  'security-opt', 'shm-size', 'sig-proxy', 'stop-signal', 'stop-timeout', 'storage-opt', 'sysctl', 'tmpfs', 'ulimit',
  'use-api-socket', 'userns', 'uts', 'volume-driver', 'volumes-from',
]);
const KNOWN_UNSUPPORTED_SHORT = new Set(['a', 'c', 'q']);

function unsupportedFlag(flag: string, known: boolean, t: Translate): string {
  return known
    ? t('The flag {0} is not supported by Berth\'s run yet; remove it, or run that command in a terminal.', flag)
    : t('{0} is not a docker run flag that Berth knows.', flag);
}

function quoteForMessage(value: string): string {
  return value === '' ? '""' : value;
}

// ---------------------------------------------------------------------------------------------
// Shell words

type Prescan = { text: string } | { error: string };

/**
 * Prepares a pasted line for shell-quote, fixing the places where it differs from a POSIX
 * shell: backslash-newline continuations, `#` inside a word (not a comment), an escaped `*`/`?`
 * (not a glob); and refuses what only a shell could do: command substitution, several lines,
 * unterminated quotes. `$(pwd)` becomes `${PWD}` so the variable rules handle it.
 */
function prescan(line: string, t: Translate): Prescan {
  let out = '';
  let quote: '' | "'" | '"' = '';
  let wordStart = true;
  const substitution = (): Prescan => ({ error: t('The line uses command substitution ($(…) or backquotes), which needs a shell; write the value instead.') });
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    const next = line[i + 1];
    if (quote === "'") {
      out += c;
      if (c === "'") quote = '';
      continue;
    }
    if (c === '\\') {
      if (next === '\n' || (next === '\r' && line[i + 2] === '\n')) {
        i += next === '\n' ? 1 : 2;
        continue;
      }
      if (next === undefined) break;
      if (!quote && (next === '*' || next === '?')) out += `'${next}'`;
      else out += c + next;
      i++;
      wordStart = false;
      continue;
    }
    if (c === '`') return substitution();
    if (c === '$' && next === '(') {
      if (/^\$\(\s*pwd\s*\)/.test(line.slice(i))) {
        const end = line.indexOf(')', i);
        out += '${PWD}';
        i = end;
        wordStart = false;
        continue;
      }
      return substitution();
    }
    if (quote === '"') {
      out += c;
      if (c === '"') quote = '';
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      out += c;
      wordStart = false;
      continue;
    }
    if (c === '\n') return { error: t('The text holds more than one line; paste a single docker run command (lines may end with \\ to continue).') };
    if (c === '#' && !wordStart) {
      out += '\\#';
      continue;
    }
    if (c === '\r' || c === '\t' || c === ' ') {
      out += ' ';
      wordStart = true;
      continue;
    }
    wordStart = '|&;()<>'.includes(c);
    out += c;
  }
  if (quote) return { error: t('The line has an unterminated {0} quote.', quote) };
  return { text: out };
}

function variableName(key: string): string {
  return /^(\w+|[*@#?$!-])$/.test(key) ? `$${key}` : `\${${key}}`;
}

/** Splits a line into words like a POSIX shell would, or says what a shell would have done instead. */
export function shellWords(line: string, t: Translate, context: ParseContext = {}): { words: string[] } | { error: string } {
  const prepared = prescan(line.trim(), t);
  if ('error' in prepared) return prepared;
  const variables: string[] = [];
  let entries: ParseEntry[];
  try {
    entries = shellParse<string>(prepared.text, (key: string): string | undefined => {
      if (key === '') return undefined; // a lone `$` stays a `$`
      if (key === 'PWD' && context.cwd !== undefined) return context.cwd;
      if (key === 'HOME' && context.home !== undefined) return context.home;
      variables.push(key);
      return '';
    });
  } catch (error) {
    return { error: t('The line could not be read as shell words: {0}', error instanceof Error ? error.message : String(error)) };
  }
  const words: string[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') {
      words.push(entry);
    } else if ('comment' in entry) {
      return { error: t('The line has a comment (#{0}); remove it: only a docker run command is accepted.', entry.comment) };
    } else if (entry.op === 'glob') {
      return { error: t('{0} has an unquoted * or ?, which a shell would expand to file names; quote it.', (entry as { pattern: string }).pattern) };
    } else {
      return { error: t('{0} is a shell operator, not a flag; paste a single docker run command.', entry.op) };
    }
  }
  const variable = variables[0];
  if (variable !== undefined) {
    return { error: t('{0} is a shell variable; Berth does not run a shell and cannot know its value, so write the value instead.', variableName(variable)) };
  }
  return { words };
}

// ---------------------------------------------------------------------------------------------
// Parse and format

function isProgram(word: string | undefined): boolean {
  const base = (word ?? '').split('/').pop() ?? '';
  return /^(docker|podman)(\.exe)?$/.test(base);
}

/**
 * Parses a pasted `docker run …` (or `docker container run …`, `podman run …`, or only what
 * follows `run`) into run options. The first word that is not a flag is the image; every word
 * after it is the command. An unsupported flag, or an invalid value, is an error naming it.
 */
export function parseDockerRun(line: string, t: Translate, context: ParseContext = {}): ParseResult {
  const split = shellWords(line.replace(/^\s*\$\s+/, ''), t, context);
  if ('error' in split) return split;
  const words = split.words;
  let i = 0;
  if (words[i] === 'sudo' && isProgram(words[i + 1])) i++;
  if (isProgram(words[i])) {
    const program = words[i] ?? '';
    i++;
    if (words[i] === 'container') i++;
    const sub = words[i];
    if (sub === undefined) return { error: t('Nothing follows {0}; paste a docker run command.', program) };
    if (sub.startsWith('-')) return { error: t('The {0} option {1} comes before run; only options of run itself are accepted.', program, sub) };
    if (sub !== 'run') return { error: t('"{0} {1}" is not a run command; paste a docker run command.', program, sub) };
    i++;
  }

  const o: RunOptions = emptyRunOptions('');
  const env: Env = { context, t };
  const applyValue = (long: string, flag: string, value: string): string | undefined => {
    const apply = VALUE_FLAGS[long];
    return apply ? apply(o, value, flag, env) : undefined;
  };

  let image: string | undefined;
  while (i < words.length) {
    const word = words[i] ?? '';
    i++;
    if (word === '--') {
      image = words[i];
      i++;
      break;
    }
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const written = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const flag = `--${written}`;
      const long = LONG_ALIASES[written] ?? written;
      const inline = eq < 0 ? undefined : word.slice(eq + 1);
      const bool = BOOL_FLAGS[long];
      if (bool) {
        const on = inline === undefined ? true : parseBool(inline);
        if (on === undefined) return { error: t('{0}: "{1}" is not true or false.', flag, inline ?? '') };
        bool(o, on);
        continue;
      }
      if (!VALUE_FLAGS[long]) return { error: unsupportedFlag(flag, KNOWN_UNSUPPORTED.has(long), t) };
      let value = inline;
      if (value === undefined) {
        value = words[i];
        i++;
        if (value === undefined) return { error: t('{0} needs a value.', flag) };
      }
      const error = applyValue(long, flag, value);
      if (error !== undefined) return { error };
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      // pflag shorthand: booleans combine (-itd); a value flag takes the rest of the word or the next word.
      for (let j = 1; j < word.length; j++) {
        const letter = word[j] ?? '';
        const flag = `-${letter}`;
        const long = SHORT_FLAGS[letter];
        if (long === undefined) return { error: unsupportedFlag(flag, KNOWN_UNSUPPORTED_SHORT.has(letter), t) };
        const bool = BOOL_FLAGS[long];
        if (bool) {
          if (word[j + 1] === '=') {
            const text = word.slice(j + 2);
            const on = parseBool(text);
            if (on === undefined) return { error: t('{0}: "{1}" is not true or false.', flag, text) };
            bool(o, on);
            break;
          }
          bool(o, true);
          continue;
        }
        let value: string | undefined = word.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        else if (value === '') {
          value = words[i];
          i++;
          if (value === undefined) return { error: t('{0} needs a value.', flag) };
        }
        const error = applyValue(long, flag, value);
        if (error !== undefined) return { error };
        break;
      }
      continue;
    }
    image = word;
    break;
  }
  if (image === undefined || image === '') return { error: t('The line names no image: after the flags, give the image to run.') };
  o.image = image;
  if (i < words.length) o.command = words.slice(i);
  if (o.remove && o.restart && o.restart.name !== 'no') {
    return { error: t('--rm and --restart {0} conflict: a container removed on exit cannot restart.', formatRestart(o.restart)) };
  }
  return { options: o };
}

/** Words that need no quoting in a POSIX shell (and read well). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for a POSIX shell. Not shell-quote's `quote`, which backslash-escapes `:` and
 * `=` (so `-p 8080\:80`) and escapes backquotes inside double quotes that its own parser keeps.
 */
function shellWord(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function formatPort(p: PortBinding): string {
  const proto = p.protocol === 'tcp' ? '' : `/${p.protocol}`;
  const ip = p.hostIp === undefined ? '' : isIP(p.hostIp) === 6 ? `[${p.hostIp}]` : p.hostIp;
  if (ip === '' && p.hostPort === undefined) return `${p.containerPort}${proto}`;
  const host = p.hostPort === undefined ? '' : String(p.hostPort);
  return `${ip === '' ? '' : `${ip}:`}${host}:${p.containerPort}${proto}`;
}

function formatVolume(v: VolumeSpec): string[] {
  if (v.via === '--mount') {
    const fields = [`type=${v.kind === 'bind' ? 'bind' : 'volume'}`];
    if (v.source !== undefined) fields.push(`source=${v.source}`);
    fields.push(`target=${v.target}`);
    if (v.readOnly) fields.push('readonly');
    return ['--mount', fields.map(csvField).join(',')];
  }
  const parts = v.kind === 'anonymous' || v.source === undefined ? [v.target] : [v.source, v.target];
  if (v.readOnly) parts.push('ro');
  return ['-v', parts.join(':')];
}

/** The words of an equivalent `docker run` command, for display or a terminal that runs no shell. */
export function dockerRunWords(o: RunOptions): string[] {
  const words = ['docker', 'run'];
  const cluster = `${o.detach ? 'd' : ''}${o.interactive ? 'i' : ''}${o.tty ? 't' : ''}`;
  if (cluster) words.push(`-${cluster}`);
  if (o.remove) words.push('--rm');
  if (o.publishAll) words.push('-P');
  if (o.readOnly) words.push('--read-only');
  if (o.privileged) words.push('--privileged');
  if (o.init) words.push('--init');
  const value = (flag: string, v: string | undefined): void => {
    if (v !== undefined) words.push(flag, v);
  };
  value('--name', o.name);
  value('--hostname', o.hostname);
  value('--platform', o.platform);
  value('--pull', o.pull);
  value('--network', o.network);
  value('--restart', o.restart && formatRestart(o.restart));
  value('--memory', o.memoryBytes === undefined ? undefined : formatMemory(o.memoryBytes));
  value('--cpus', o.cpus === undefined ? undefined : formatCpus(o.cpus));
  value('--workdir', o.workdir);
  value('--user', o.user);
  value('--entrypoint', o.entrypoint);
  for (const e of o.env) words.push('-e', `${e.name}=${e.value}`);
  for (const f of o.envFiles) words.push('--env-file', f);
  for (const l of o.labels) words.push('-l', `${l.name}=${l.value}`);
  for (const p of o.ports) words.push('-p', formatPort(p));
  for (const e of o.expose) words.push('--expose', e.protocol === 'tcp' ? String(e.port) : `${e.port}/${e.protocol}`);
  for (const v of o.volumes) words.push(...formatVolume(v));
  for (const c of o.capAdd) words.push('--cap-add', c);
  for (const c of o.capDrop) words.push('--cap-drop', c);
  // `--` keeps an image that starts with `-` from reading as a flag.
  if (o.image.startsWith('-')) words.push('--');
  words.push(o.image, ...(o.command ?? []));
  return words;
}

/** An equivalent `docker run` command line, quoted for a POSIX shell: `parseDockerRun` reads it back. */
export function formatDockerRun(o: RunOptions): string {
  return dockerRunWords(o).map(shellWord).join(' ');
}

// ---------------------------------------------------------------------------------------------
// The Engine API body

export interface CreatePortBinding {
  HostIp: string;
  HostPort: string;
}

export interface CreateMount {
  Type: 'bind' | 'volume';
  Source?: string;
  Target: string;
  ReadOnly: boolean;
}

export interface CreateHostConfig {
  PortBindings?: Record<string, CreatePortBinding[]>;
  PublishAllPorts: boolean;
  Binds?: string[];
  Mounts?: CreateMount[];
  NetworkMode?: string;
  RestartPolicy?: { Name: RestartPolicyName; MaximumRetryCount: number };
  Memory?: number;
  NanoCpus?: number;
  AutoRemove: boolean;
  ReadonlyRootfs: boolean;
  CapAdd?: string[];
  CapDrop?: string[];
  Privileged: boolean;
  Init?: boolean;
}

/** The Engine API `POST /containers/create` body (the name and platform go in the query). */
export interface ContainerCreateBody {
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env?: string[];
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  Labels?: Record<string, string>;
  WorkingDir?: string;
  User?: string;
  Hostname?: string;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  HostConfig: CreateHostConfig;
}

/**
 * Builds the create body as `docker run` would. `envFileContents` maps each path in
 * `options.envFiles` to its text; env-file values come first and `-e` values override them (one
 * entry per name, in first-seen order). Throws when a file's text is missing or invalid: check
 * files with `parseEnvFile` first to show the user a message.
 */
export function toCreateOptions(options: RunOptions, envFileContents: Readonly<Record<string, string>>): ContainerCreateBody {
  const env = new Map<string, string>();
  for (const path of options.envFiles) {
    if (!Object.prototype.hasOwnProperty.call(envFileContents, path)) throw new Error(`No contents were given for the env file ${path}.`);
    const parsed = parseEnvFile(envFileContents[path] ?? '');
    if (!parsed.ok) throw new Error(describeEnvFileError(path, parsed, formatMessage));
    for (const e of parsed.entries) env.set(e.name, e.value);
  }
  for (const e of options.env) env.set(e.name, e.value);

  const attach = !options.detach;
  const body: ContainerCreateBody = {
    Image: options.image,
    Tty: options.tty,
    OpenStdin: options.interactive,
    StdinOnce: options.interactive && attach,
    AttachStdin: options.interactive && attach,
    AttachStdout: attach,
    AttachStderr: attach,
    HostConfig: {
      PublishAllPorts: options.publishAll,
      AutoRemove: options.remove,
      ReadonlyRootfs: options.readOnly,
      Privileged: options.privileged,
    },
  };
  const host = body.HostConfig;
  if (options.command !== undefined) body.Cmd = [...options.command];
  if (options.entrypoint !== undefined) body.Entrypoint = [options.entrypoint];
  if (env.size > 0) body.Env = [...env].map(([name, value]) => `${name}=${value}`);
  if (options.labels.length > 0) body.Labels = Object.fromEntries(options.labels.map((l) => [l.name, l.value]));
  if (options.workdir !== undefined) body.WorkingDir = options.workdir;
  if (options.user !== undefined) body.User = options.user;
  if (options.hostname !== undefined) body.Hostname = options.hostname;

  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, CreatePortBinding[]> = {};
  for (const p of options.ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.hostPort === undefined ? '' : String(p.hostPort) });
  }
  for (const e of options.expose) exposed[`${e.port}/${e.protocol}`] = {};
  if (Object.keys(exposed).length > 0) body.ExposedPorts = exposed;
  if (Object.keys(bindings).length > 0) host.PortBindings = bindings;

  const binds: string[] = [];
  const mounts: CreateMount[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const v of options.volumes) {
    if (v.via === '-v' && v.kind !== 'anonymous' && v.source !== undefined) {
      binds.push(`${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
    } else if (v.via === '-v' && v.kind === 'anonymous' && !v.readOnly) {
      volumes[v.target] = {};
    } else {
      const mount: CreateMount = { Type: v.kind === 'bind' ? 'bind' : 'volume', Target: v.target, ReadOnly: v.readOnly };
      if (v.kind !== 'anonymous' && v.source !== undefined) mount.Source = v.source;
      mounts.push(mount);
    }
  }
  if (Object.keys(volumes).length > 0) body.Volumes = volumes;
  if (binds.length > 0) host.Binds = binds;
  if (mounts.length > 0) host.Mounts = mounts;

  if (options.network !== undefined) host.NetworkMode = options.network;
  if (options.restart !== undefined) host.RestartPolicy = { Name: options.restart.name, MaximumRetryCount: options.restart.maxRetries ?? 0 };
  if (options.memoryBytes !== undefined) host.Memory = options.memoryBytes;
  if (options.cpus !== undefined) host.NanoCpus = Math.round(options.cpus * 1e9);
  if (options.capAdd.length > 0) host.CapAdd = [...options.capAdd];
  if (options.capDrop.length > 0) host.CapDrop = [...options.capDrop];
  if (options.init) host.Init = true;
  return body;
}
