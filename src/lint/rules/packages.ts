/**
 * Language and distribution package managers inside RUN: pip, npm, yarn, apk, gem, yum, zypper,
 * dnf/microdnf and `go install`. Every check works on parsed shell commands (name, options,
 * positional words); regexes only ever look at a single word, such as a package spec.
 */
import type { Instruction, Span } from '../dockerfile';
import { commandName, hasOption, positionalArgs } from '../shell';
import type { ShellCommand, ShellWord } from '../shell';
import type { Fix, LocatedCommand, Rule, RuleContext } from '../types';
import { appendFix, commandsNamed, insertFix, runCommands } from './util';

// ---------------------------------------------------------------------------------------------
// Generic helpers

/** A package-manager command found in a RUN, with the subcommand word that made it interesting. */
interface Invocation extends LocatedCommand {
  run: Instruction;
  /** The tool's own command: for `python -m pip install`, a view whose name is `pip`. */
  tool: ShellCommand;
  /** The subcommand word (e.g. `install`), the last one for two-word subcommands (`group install`). */
  sub: ShellWord;
  /** Where the whole invocation starts in the script (the original command name). */
  start: number;
}

/** The words after the subcommand that are not options (nor option values). */
function operands(invocation: Invocation, valueOptions: ReadonlySet<string>): ShellWord[] {
  const all = positionalArgs(invocation.tool, valueOptions);
  const index = all.indexOf(invocation.sub);
  return index === -1 ? [] : all.slice(index + 1);
}

/** The Dockerfile span from the command's name to its subcommand: `pip install`, `apk add`. */
function invocationSpan(invocation: Invocation): Span {
  return invocation.script.span(invocation.start, invocation.sub.end);
}

function wordSpan(located: LocatedCommand, word: ShellWord): Span {
  return located.script.span(word.start, word.end);
}

/** Edits only make sense where we know exact offsets: not in exec (JSON) form. */
function insertSubFix(invocation: Invocation, title: string, text: string): Fix[] {
  return insertFix(invocation, invocation.sub.end, title, text);
}


/** Finds commands of a tool and the subcommand they run. */
function invocations(
  context: RuleContext,
  match: (command: ShellCommand) => ShellCommand | undefined,
  subcommands: ReadonlySet<string>,
  valueOptions: ReadonlySet<string>,
  /** Two-word subcommands: the first word → second words (e.g. `group` → `install`). */
  nested: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Invocation[] {
  const result: Invocation[] = [];
  // A matcher that names its commands looks only at those; others (python -m pip) see them all.
  const candidates = isNamed(match) ? commandsNamed(context, ...match.names) : runCommands(context);
  for (const located of candidates) {
    const tool = match(located.command);
    if (!tool) continue;
    const [first, second] = positionalArgs(tool, valueOptions);
    if (!first) continue;
    let sub: ShellWord | undefined;
    if (subcommands.has(first.value)) sub = first;
    else if (second && nested.get(first.value)?.has(second.value)) sub = second;
    if (sub) result.push({ ...located, tool, sub, start: located.command.nameStart });
  }
  return result;
}

type Matcher = (command: ShellCommand) => ShellCommand | undefined;

/** A matcher for commands by base name, which says which names (so callers can use the index). */
function named(...names: string[]): Matcher & { names: string[] } {
  const wanted = new Set(names);
  return Object.assign((command: ShellCommand) => (wanted.has(commandName(command)) ? command : undefined), { names });
}

function isNamed(match: Matcher): match is Matcher & { names: string[] } {
  return Array.isArray((match as { names?: unknown }).names);
}

/** True when the command's positional words start with `words` (e.g. `cache clean`). */
function runs(command: ShellCommand, names: ReadonlySet<string>, words: readonly string[], valueOptions?: ReadonlySet<string>): boolean {
  if (!names.has(commandName(command))) return false;
  const positional = positionalArgs(command, valueOptions);
  return words.every((w, i) => positional[i]?.value === w);
}

/** `rm` of one of the folders (or their contents). */
function removes(command: ShellCommand, isFolder: (path: string) => boolean): boolean {
  if (commandName(command) !== 'rm') return false;
  return positionalArgs(command).some((a) => isFolder(a.value.replace(/\/\*?$/, '').replace(/\/+$/, '')));
}

/** `--mount=type=cache,target=…` (or tmpfs) targets of a RUN. */
function cacheMountTargets(run: Instruction): string[] {
  const targets: string[] = [];
  for (const flag of run.flags) {
    if (flag.name !== 'mount' || !flag.value) continue;
    const fields = new Map<string, string>();
    for (const part of flag.value.replace(/^["']|["']$/g, '').split(',')) {
      const eq = part.indexOf('=');
      if (eq !== -1) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
    }
    const type = fields.get('type');
    const target = fields.get('target') ?? fields.get('dst') ?? fields.get('destination');
    if ((type === 'cache' || type === 'tmpfs') && target) targets.push(target.replace(/\/+$/, ''));
  }
  return targets;
}

/** `$VAR` or `${VAR}`: we cannot know what the word will be, so version rules leave it alone. */
function isOpaque(spec: string): boolean {
  return spec.startsWith('$') || spec.startsWith('`');
}

/** A local file or folder, or a URL: not a name the registry resolves to "the newest version". */
function isPathOrUrl(spec: string): boolean {
  return /^(\.{1,2}(\/|$)|\/|~\/|file:)/.test(spec) || spec.includes('://');
}

/**
 * For "clean up after install" rules: reports the last install in each RUN that is not followed
 * by a clean-up command (in the same RUN) and is not writing into a cache mount.
 */
function checkCleanup(
  context: RuleContext,
  installs: readonly Invocation[],
  isCleanup: (command: ShellCommand) => boolean,
  isCacheFolder: (path: string) => boolean,
  fix: (install: Invocation) => { title: string; command: string },
): void {
  const lastPerRun = new Map<Instruction, Invocation>();
  for (const install of installs) lastPerRun.set(install.run, install);
  for (const [run, install] of lastPerRun) {
    if (cacheMountTargets(run).some(isCacheFolder)) continue;
    const commands = context.commands(run);
    const index = commands.findIndex((c) => c.command === install.command);
    if (commands.slice(index + 1).some((c) => isCleanup(c.command))) continue;
    const { title, command } = fix(install);
    context.report({ span: invocationSpan(install), fixes: appendFix(context, install, title, command) });
  }
}

// ---------------------------------------------------------------------------------------------
// pip

/** pip options that take a value (global and `install`). */
const PIP_VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-t', '--target', '--platform',
  '--python-version', '--implementation', '--abi', '--root', '--prefix', '--src', '--upgrade-strategy',
  '--progress-bar', '--root-user-action', '--report', '-i', '--index-url', '--extra-index-url',
  '-f', '--find-links', '--no-binary', '--only-binary', '--trusted-host', '--proxy', '--retries',
  '--timeout', '--exists-action', '--cert', '--client-cert', '--cache-dir', '--log', '--python',
  '--global-option', '--install-option', '--config-settings', '-C', '--keyring-provider', '--use-feature',
  '--use-deprecated', '--log-file', '--python-version',
]);

const PIP_NAME = /^pip(\d+(\.\d+)?)?$/;
const PYTHON_NAME = /^python(\d+(\.\d+)?)?$/;

/** `pip …`, `pip3 …`, or `python -m pip …` seen as a pip command. */
function pipCommand(command: ShellCommand): ShellCommand | undefined {
  const name = commandName(command);
  if (PIP_NAME.test(name)) return command;
  if (!PYTHON_NAME.test(name)) return undefined;
  const args = command.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg) break;
    if (arg.value === '-m' || arg.value === '-mpip') {
      const module = arg.value === '-m' ? args[i + 1] : arg;
      if (!module || (arg.value === '-m' && module.value !== 'pip')) return undefined;
      return { ...command, name: 'pip', nameStart: module.start, nameEnd: module.end, args: args.slice(i + (arg.value === '-m' ? 2 : 1)) };
    }
    // Interpreter options before -m are flags; anything else is a script to run.
    if (!arg.value.startsWith('-')) return undefined;
  }
  return undefined;
}

function pipInstalls(context: RuleContext): Invocation[] {
  return invocations(context, pipCommand, new Set(['install']), PIP_VALUE_OPTIONS);
}

const VCS_PREFIX = /^(git|hg|svn|bzr)\+/;

/** A version-control URL pins only with `@<ref>` after the repository path. */
function vcsHasRef(url: string): boolean {
  const noFragment = url.split('#')[0] ?? '';
  const afterScheme = noFragment.replace(/^[a-z+]+:\/\//i, '');
  const slash = afterScheme.indexOf('/');
  // `git@github.com` in the authority is a user, not a ref.
  return slash !== -1 && afterScheme.slice(slash).includes('@');
}

/** Pinned: a version operator, a local file or folder, an archive URL, or a VCS URL with a ref. */
export function isPinnedPip(spec: string): boolean {
  if (isOpaque(spec)) return true;
  // PEP 508 direct reference: `name @ url`.
  const at = spec.indexOf('@');
  const url = at !== -1 && spec.slice(at + 1).includes('://') ? spec.slice(at + 1).trim() : spec;
  if (VCS_PREFIX.test(url)) return vcsHasRef(url);
  if (isPathOrUrl(url) || /\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/i.test(spec)) return true;
  return /(===|==|~=|!=|<=|>=|<|>)/.test(spec);
}

export const DL3013: Rule = {
  code: 'DL3013',
  severity: 'warning',
  message: 'Pin versions in pip install: use `pip install <package>==<version>`.',
  explanation:
    'An unpinned `pip install flask` takes whatever PyPI offers on the day of the build, so rebuilding the same Dockerfile can pull in a new major version. Pin each package (`flask==3.0.2`), or install from a requirements file or with a constraints file (`-c constraints.txt`) that pins them.',
  check(context) {
    for (const install of pipInstalls(context)) {
      if (hasOption(install.tool, '-c', '--constraint')) continue;
      for (const pkg of operands(install, PIP_VALUE_OPTIONS)) {
        if (isPinnedPip(pkg.value)) continue;
        context.report({ span: wordSpan(install, pkg), message: `Pin versions in pip install: \`${pkg.value}\` has no version (\`${pkg.value}==<version>\`).` });
      }
    }
  },
};

/** pip's cache folder, or the `.cache` folder holding it. */
function isPipCache(path: string): boolean {
  return /(^|\/)\.cache(\/pip)?$/.test(path) || path === '/root/.cache/pip';
}

/** `PIP_NO_CACHE_DIR` set by ENV (or an ARG with a value) in the stage before `run`, or in a stage it builds on. */
function stageSetsPipNoCache(context: RuleContext, run: Instruction): boolean {
  const seen = new Set<number>();
  let stageIndex = run.stage;
  let before = run.span.start;
  while (stageIndex >= 0 && !seen.has(stageIndex)) {
    seen.add(stageIndex);
    const stage = context.file.stages[stageIndex];
    if (!stage) break;
    for (const instruction of stage.instructions) {
      if (instruction.span.start >= before) break;
      if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') continue;
      const words = instruction.words;
      for (const [i, word] of words.entries()) {
        const key = word.value.split('=')[0];
        if (key !== 'PIP_NO_CACHE_DIR') continue;
        // `ARG PIP_NO_CACHE_DIR` without a value sets nothing unless passed in.
        if (word.value.includes('=') || (instruction.keyword === 'ENV' && i === 0 && words.length > 1)) return true;
      }
    }
    // `FROM builder`: the ENV of the stage it starts from carries over.
    const parent = context.file.stages.findIndex((s) => s.index < stageIndex && s.name !== undefined && s.name === stage.image.toLowerCase());
    stageIndex = parent;
    before = Number.POSITIVE_INFINITY;
  }
  return false;
}

/** `PIP_NO_CACHE_DIR=1 pip install` or an earlier `export PIP_NO_CACHE_DIR=…` in the same RUN. */
function runSetsPipNoCache(context: RuleContext, install: Invocation): boolean {
  const { command, script } = install;
  // The words before the command name are its variable assignments.
  const prefix = script.script.source.slice(command.start, command.nameStart).split(/\s+/);
  if (prefix.some((w) => w.startsWith('PIP_NO_CACHE_DIR='))) return true;
  for (const located of context.commands(install.run)) {
    if (located.command === command) break;
    if (commandName(located.command) === 'export' && located.command.args.some((a) => a.value.startsWith('PIP_NO_CACHE_DIR='))) return true;
  }
  return false;
}

export const DL3042: Rule = {
  code: 'DL3042',
  severity: 'warning',
  message: 'Avoid the pip cache in the image: use `pip install --no-cache-dir <package>`.',
  explanation:
    "pip keeps every wheel it downloads in ~/.cache/pip, which ends up in the layer although the image never reads it again. Pass `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1` in the stage, or mount a build cache on pip's cache folder (`RUN --mount=type=cache,target=/root/.cache/pip`) to keep it out of the image.",
  check(context) {
    for (const install of pipInstalls(context)) {
      if (hasOption(install.tool, '--no-cache-dir')) continue;
      if (cacheMountTargets(install.run).some(isPipCache)) continue;
      if (stageSetsPipNoCache(context, install.run) || runSetsPipNoCache(context, install)) continue;
      context.report({ span: invocationSpan(install), fixes: insertSubFix(install, 'Add --no-cache-dir to pip install', ' --no-cache-dir') });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// npm and yarn

const NPM_INSTALL = new Set(['install', 'i', 'add', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall']);
const NPM_VALUE_OPTIONS = new Set([
  '--prefix', '--registry', '--cache', '--userconfig', '--globalconfig', '--loglevel', '--omit', '--include',
  '-w', '--workspace', '--tag', '--only', '--install-strategy', '--before', '--otp', '--location', '--script-shell',
  '-C',
]);

/** Mutable tags that are not versions. */
const FLOATING_TAGS = new Set(['latest', 'next', '*', 'x']);

/** Pinned: `name@version` (or a range), a local folder or file, a tarball, or a git reference. */
export function isPinnedNpm(spec: string): boolean {
  if (isOpaque(spec) || isPathOrUrl(spec)) return true;
  if (/^(git(\+[a-z]+)?|github|gitlab|bitbucket|gist):/i.test(spec) || /\.(tgz|tar\.gz|tar)$/i.test(spec)) return true;
  // A scoped name starts with `@`; the version follows the next `@`.
  const at = spec.indexOf('@', 1);
  if (at === -1) {
    // `user/repo` is a GitHub repository, not a registry name.
    return !spec.startsWith('@') && spec.includes('/');
  }
  const version = spec.slice(at + 1);
  return version !== '' && !FLOATING_TAGS.has(version.toLowerCase());
}

export const DL3016: Rule = {
  code: 'DL3016',
  severity: 'warning',
  message: 'Pin versions in npm install: use `npm install <package>@<version>`.',
  explanation:
    'An unpinned `npm install -g typescript` (or `@latest`) installs whatever the registry has that day, so rebuilds drift. Give each package a version (`typescript@5.4.5`); installing a project from its lockfile (`npm ci`, or a bare `npm install`) is already pinned.',
  check(context) {
    for (const install of invocations(context, named('npm'), NPM_INSTALL, NPM_VALUE_OPTIONS)) {
      for (const pkg of operands(install, NPM_VALUE_OPTIONS)) {
        if (isPinnedNpm(pkg.value)) continue;
        context.report({ span: wordSpan(install, pkg), message: `Pin versions in npm install: \`${pkg.value}\` has no version (\`${pkg.value.replace(/@[^@/]*$/, '') || pkg.value}@<version>\`).` });
      }
    }
  },
};

const YARN_VALUE_OPTIONS = new Set(['--cache-folder', '--modules-folder', '--global-folder', '--mutex', '--network-timeout', '--registry', '--cwd', '--network-concurrency', '--link-folder']);
const YARN = new Set(['yarn']);

/** `yarn`, `yarn install`, `yarn add x`, `yarn global add x`: everything that downloads packages. */
function yarnInstalls(context: RuleContext): Invocation[] {
  const result: Invocation[] = [];
  for (const located of runCommands(context)) {
    const { command } = located;
    if (commandName(command) !== 'yarn') continue;
    const [first, second] = positionalArgs(command, YARN_VALUE_OPTIONS);
    let sub: ShellWord | undefined;
    if (!first) sub = { value: command.name, start: command.nameStart, end: command.nameEnd };
    else if (first.value === 'install' || first.value === 'add') sub = first;
    else if (first.value === 'global' && second?.value === 'add') sub = second;
    if (sub) result.push({ ...located, tool: command, sub, start: command.nameStart });
  }
  return result;
}

export const DL3060: Rule = {
  code: 'DL3060',
  severity: 'info',
  message: 'Clean the yarn cache after installing: `&& yarn cache clean` in the same RUN.',
  explanation:
    "yarn keeps a copy of every package it downloads in its cache folder, which stays in the layer although the image never uses it. Run `yarn cache clean` in the same RUN (a later RUN cannot shrink this layer), or mount a build cache on yarn's cache folder.",
  check(context) {
    checkCleanup(
      context,
      yarnInstalls(context),
      (c) => runs(c, YARN, ['cache', 'clean'], YARN_VALUE_OPTIONS) || removes(c, (p) => /(^|\/)(\.cache\/yarn|\.yarn\/cache)$/.test(p)),
      (p) => /(^|\/)(\.cache\/yarn|\.yarn\/cache|\.yarn\/berry\/cache|yarn)$/.test(p),
      () => ({ title: 'Clean the yarn cache in the same RUN', command: 'yarn cache clean' }),
    );
  },
};

// ---------------------------------------------------------------------------------------------
// apk

const APK_VALUE_OPTIONS = new Set([
  '-t', '--virtual', '-X', '--repository', '-p', '--root', '--keys-dir', '--repositories-file', '--arch',
  '--cache-dir', '--cache-max-age', '--timeout', '--progress-fd', '--wait',
]);

function apkAdds(context: RuleContext): Invocation[] {
  return invocations(context, named('apk'), new Set(['add']), APK_VALUE_OPTIONS);
}

/** Pinned: `pkg=1.2-r0`, `pkg~1.2`, `pkg>1.2`, `pkg<2`, or a local `.apk` file. */
export function isPinnedApk(spec: string): boolean {
  return isOpaque(spec) || /[=~<>]/.test(spec) || spec.endsWith('.apk') || isPathOrUrl(spec);
}

export const DL3018: Rule = {
  code: 'DL3018',
  severity: 'warning',
  message: 'Pin versions in apk add: use `apk add <package>=<version>`.',
  explanation:
    'Without a version, `apk add` installs whatever the Alpine mirror has at build time, so two builds of one Dockerfile can differ. Pin each package (`curl=8.5.0-r0`, or `curl~8.5` to allow patch releases); `apk policy <package>` lists the available versions.',
  check(context) {
    for (const add of apkAdds(context)) {
      for (const pkg of operands(add, APK_VALUE_OPTIONS)) {
        if (isPinnedApk(pkg.value)) continue;
        context.report({ span: wordSpan(add, pkg), message: `Pin versions in apk add: \`${pkg.value}\` has no version (\`${pkg.value}=<version>\`).` });
      }
    }
  },
};

export const DL3019: Rule = {
  code: 'DL3019',
  severity: 'info',
  message: 'Use `apk add --no-cache` so the package index is not kept in the image.',
  explanation:
    '`apk add --no-cache` fetches a fresh package index, uses it and leaves nothing behind, which replaces the `apk update … && rm -rf /var/cache/apk/*` dance. Without it the index stays in the layer. A build cache mounted on /var/cache/apk is exempt.',
  check(context) {
    for (const add of apkAdds(context)) {
      if (hasOption(add.tool, '--no-cache')) continue;
      if (cacheMountTargets(add.run).some((p) => p === '/var/cache/apk' || p === '/etc/apk/cache')) continue;
      context.report({ span: invocationSpan(add), fixes: insertSubFix(add, 'Add --no-cache to apk add', ' --no-cache') });
    }
  },
};

// ---------------------------------------------------------------------------------------------
// gem

const GEM_VALUE_OPTIONS = new Set([
  '-v', '--version', '-i', '--install-dir', '-n', '--bindir', '--document', '-s', '--source', '-P', '--trust-policy',
  '-g', '--file', '--platform', '-p', '--http-proxy', '--build-root', '--without', '--with', '--target-rbconfig',
]);

/** Gems named before a `--` (what follows are build options for native extensions). */
function gemNames(install: Invocation): ShellWord[] {
  const dashDash = install.tool.args.findIndex((a) => a.value === '--');
  const tool = dashDash === -1 ? install.tool : { ...install.tool, args: install.tool.args.slice(0, dashDash) };
  return operands({ ...install, tool }, GEM_VALUE_OPTIONS);
}

export const DL3028: Rule = {
  code: 'DL3028',
  severity: 'warning',
  message: 'Pin versions in gem install: use `gem install <gem>:<version>` or `-v <version>`.',
  explanation:
    'Without a version, `gem install` takes the newest release on RubyGems at build time, so rebuilds can silently upgrade. Pin each gem with `gem install rails:7.1.3` or `gem install rails -v 7.1.3`.',
  check(context) {
    for (const install of invocations(context, named('gem'), new Set(['install', 'i']), GEM_VALUE_OPTIONS)) {
      if (hasOption(install.tool, '-v', '--version') || install.tool.args.some((a) => /^-v\S/.test(a.value))) continue;
      for (const gem of gemNames(install)) {
        if (isOpaque(gem.value) || gem.value.includes(':') || gem.value.endsWith('.gem') || isPathOrUrl(gem.value)) continue;
        context.report({ span: wordSpan(install, gem), message: `Pin versions in gem install: \`${gem.value}\` has no version (\`${gem.value}:<version>\`).` });
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// yum and dnf

const RPM_VALUE_OPTIONS = new Set([
  '-c', '--config', '-d', '--debuglevel', '-e', '--errorlevel', '--installroot', '--enablerepo', '--disablerepo',
  '-x', '--exclude', '--releasever', '--setopt', '-R', '--randomwait', '--downloaddir', '--repo', '--repoid',
  '--forcearch', '--color', '--destdir', '--rpmverbosity',
]);

const YUM_INSTALL = new Set(['install', 'groupinstall', 'localinstall']);
const DNF_INSTALL = new Set(['install', 'in', 'groupinstall', 'localinstall']);
/** `dnf group install x`, `dnf module install x:1`. */
const DNF_NESTED = new Map<string, ReadonlySet<string>>([
  ['group', new Set(['install'])],
  ['groups', new Set(['install'])],
  ['module', new Set(['install'])],
]);

function yumInstalls(context: RuleContext): Invocation[] {
  return invocations(context, named('yum'), YUM_INSTALL, RPM_VALUE_OPTIONS, DNF_NESTED);
}

function dnfInstalls(context: RuleContext): Invocation[] {
  return invocations(context, named('dnf', 'microdnf'), DNF_INSTALL, RPM_VALUE_OPTIONS, DNF_NESTED);
}

/** Package names (not groups, modules or rpm files) that an rpm install should pin. */
function rpmPackages(install: Invocation): ShellWord[] {
  const sub = install.sub.value;
  if (sub === 'groupinstall' || sub === 'localinstall') return [];
  const positional = positionalArgs(install.tool, RPM_VALUE_OPTIONS);
  const first = positional[0]?.value;
  if (first === 'group' || first === 'groups') return [];
  return operands(install, RPM_VALUE_OPTIONS);
}

/**
 * Pinned: `name-version[-release][.arch]`, recognised by the last `-` part starting with a digit
 * (`httpd-2.4.6`, `httpd-2.4.6-99.el7`, but not `java-17-openjdk-devel`); `name:stream` for modules;
 * `@group`; rpm files, paths and URLs.
 */
export function isPinnedRpm(spec: string): boolean {
  if (isOpaque(spec) || isPathOrUrl(spec) || spec.endsWith('.rpm') || spec.startsWith('@')) return true;
  if (spec.includes(':') || /[=<>]/.test(spec)) return true;
  const dash = spec.lastIndexOf('-');
  return dash > 0 && /^\d/.test(spec.slice(dash + 1));
}

function checkRpmPins(context: RuleContext, installs: readonly Invocation[], tool: string): void {
  for (const install of installs) {
    for (const pkg of rpmPackages(install)) {
      if (isPinnedRpm(pkg.value)) continue;
      context.report({ span: wordSpan(install, pkg), message: `Pin versions in ${tool} install: \`${pkg.value}\` has no version (\`${pkg.value}-<version>\`).` });
    }
  }
}

function checkAssumeYes(context: RuleContext, installs: readonly Invocation[]): void {
  for (const install of installs) {
    if (hasOption(install.tool, '-y', '--assumeyes')) continue;
    const tool = commandName(install.command);
    context.report({ span: invocationSpan(install), fixes: insertSubFix(install, `Add -y to ${tool} ${install.sub.value}`, ' -y') });
  }
}

function cleansAll(names: ReadonlySet<string>): (command: ShellCommand) => boolean {
  return (command) => runs(command, names, ['clean', 'all'], RPM_VALUE_OPTIONS);
}

export const DL3030: Rule = {
  code: 'DL3030',
  severity: 'warning',
  message: 'Use the `-y` switch to avoid manual input: `yum install -y <package>`.',
  explanation:
    'A build cannot answer yum\'s "Is this ok [y/N]" prompt, so without `-y` (`--assumeyes`) the install stops and the RUN fails. Add `-y`.',
  check(context) {
    checkAssumeYes(context, yumInstalls(context));
  },
};

export const DL3032: Rule = {
  code: 'DL3032',
  severity: 'warning',
  message: 'Clean the yum cache after installing: `&& yum clean all` in the same RUN.',
  explanation:
    'yum keeps repository metadata and downloaded packages under /var/cache/yum, which stays in the layer although the image never uses it. Run `yum clean all` at the end of the RUN that installs (a later RUN cannot shrink this layer), or mount a build cache on /var/cache/yum.',
  check(context) {
    checkCleanup(
      context,
      yumInstalls(context),
      (c) => cleansAll(new Set(['yum', 'dnf']))(c) || removes(c, (p) => p === '/var/cache/yum'),
      (p) => p === '/var/cache/yum',
      () => ({ title: 'Add yum clean all to the RUN', command: 'yum clean all' }),
    );
  },
};

export const DL3033: Rule = {
  code: 'DL3033',
  severity: 'warning',
  message: 'Pin versions in yum install: use `yum install <package>-<version>`.',
  explanation:
    'Without a version, `yum install` takes the newest package in the repositories at build time, so rebuilds drift. Pin each package as `name-version` (`httpd-2.4.6`, or with the release, `httpd-2.4.6-99.el7`); `yum list --showduplicates <package>` shows what is available.',
  check(context) {
    checkRpmPins(context, yumInstalls(context), 'yum');
  },
};

export const DL3038: Rule = {
  code: 'DL3038',
  severity: 'warning',
  message: 'Use the `-y` switch to avoid manual input: `dnf install -y <package>`.',
  explanation:
    'A build cannot answer dnf\'s "Is this ok [y/N]" prompt, so without `-y` (`--assumeyes`) the install stops and the RUN fails. Add `-y` (microdnf accepts it too).',
  check(context) {
    checkAssumeYes(context, dnfInstalls(context));
  },
};

export const DL3040: Rule = {
  code: 'DL3040',
  severity: 'warning',
  message: 'Clean the dnf cache after installing: `&& dnf clean all` in the same RUN.',
  explanation:
    'dnf and microdnf keep repository metadata and packages under /var/cache, which stays in the layer although the image never uses it. Run `dnf clean all` (or `microdnf clean all`) at the end of the RUN that installs, or mount a build cache on the cache folder.',
  check(context) {
    checkCleanup(
      context,
      dnfInstalls(context),
      (c) => cleansAll(new Set(['dnf', 'microdnf', 'yum']))(c) || removes(c, (p) => p === '/var/cache/dnf' || p === '/var/cache/yum'),
      (p) => p === '/var/cache/dnf' || p === '/var/cache/yum' || p === '/var/cache/libdnf5',
      (install) => ({ title: `Add ${commandName(install.command)} clean all to the RUN`, command: `${commandName(install.command)} clean all` }),
    );
  },
};

export const DL3041: Rule = {
  code: 'DL3041',
  severity: 'warning',
  message: 'Pin versions in dnf install: use `dnf install <package>-<version>`.',
  explanation:
    'Without a version, `dnf install` takes the newest package in the repositories at build time, so rebuilds drift. Pin each package as `name-version` (`nginx-1.20.1`), or a module as `name:stream`; `dnf list --showduplicates <package>` shows what is available.',
  check(context) {
    checkRpmPins(context, dnfInstalls(context), 'dnf');
  },
};

// ---------------------------------------------------------------------------------------------
// zypper

const ZYPPER_VALUE_OPTIONS = new Set([
  '-c', '--config', '-R', '--root', '-D', '--reposd-dir', '-C', '--cache-dir', '--raw-cache-dir', '--solv-cache-dir',
  '--pkg-cache-dir', '-t', '--type', '-r', '--repo', '--from', '--installroot', '--releasever',
]);
const ZYPPER = new Set(['zypper']);
const ZYPPER_INSTALL = new Set(['install', 'in']);
/** Subcommands that ask for confirmation. */
const ZYPPER_PROMPTING = new Set(['install', 'in', 'remove', 'rm', 'update', 'up', 'patch', 'dist-upgrade', 'dup', 'source-install', 'si']);

/** The value of `-t`/`--type` (`package`, `pattern`, `patch`, …), if given. */
function zypperType(command: ShellCommand): string | undefined {
  const args = command.args;
  for (const [i, arg] of args.entries()) {
    if (arg.value.startsWith('--type=')) return arg.value.slice('--type='.length);
    if (arg.value === '-t' || arg.value === '--type') return args[i + 1]?.value;
  }
  return undefined;
}

function zypperInstalls(context: RuleContext): Invocation[] {
  return invocations(context, named('zypper'), ZYPPER_INSTALL, ZYPPER_VALUE_OPTIONS);
}

export const DL3034: Rule = {
  code: 'DL3034',
  severity: 'warning',
  message: 'Use zypper non-interactively: `zypper --non-interactive install <package>` (or `-n`, `-y`).',
  explanation:
    'zypper asks for confirmation before changing packages, and a build cannot answer, so the RUN fails. Run it with the global `--non-interactive` (`-n`) option, or pass `-y` (`--no-confirm`) to the subcommand.',
  check(context) {
    for (const call of invocations(context, named('zypper'), ZYPPER_PROMPTING, ZYPPER_VALUE_OPTIONS)) {
      if (hasOption(call.tool, '-n', '--non-interactive', '-y', '--no-confirm')) continue;
      const fixes = insertFix(call, call.command.nameEnd, 'Run zypper with --non-interactive', ' --non-interactive');
      context.report({ span: invocationSpan(call), fixes });
    }
  },
};

export const DL3035: Rule = {
  code: 'DL3035',
  severity: 'warning',
  message: 'Do not use `zypper dist-upgrade` in a Dockerfile: upgrade the base image instead.',
  explanation:
    'A distribution upgrade inside a build replaces large parts of the base image with whatever the repositories hold that day, which makes the image big and the build unrepeatable. Use a newer base image tag, and install or update only the packages you need.',
  check(context) {
    for (const call of invocations(context, named('zypper'), new Set(['dist-upgrade', 'dup']), ZYPPER_VALUE_OPTIONS)) {
      context.report({ span: wordSpan(call, call.sub), message: `Do not use \`zypper ${call.sub.value}\` in a Dockerfile: upgrade the base image instead.` });
    }
  },
};

export const DL3036: Rule = {
  code: 'DL3036',
  severity: 'warning',
  message: 'Clean the zypper cache after installing: `&& zypper clean` in the same RUN.',
  explanation:
    'zypper keeps repository metadata and downloaded packages under /var/cache/zypp, which stays in the layer although the image never uses it. Run `zypper clean` at the end of the RUN that installs (a later RUN cannot shrink this layer), or mount a build cache on /var/cache/zypp.',
  check(context) {
    checkCleanup(
      context,
      zypperInstalls(context),
      (c) => runs(c, ZYPPER, ['clean'], ZYPPER_VALUE_OPTIONS) || runs(c, ZYPPER, ['cc'], ZYPPER_VALUE_OPTIONS) || removes(c, (p) => p === '/var/cache/zypp'),
      (p) => p === '/var/cache/zypp',
      () => ({ title: 'Add zypper clean to the RUN', command: 'zypper clean' }),
    );
  },
};

export const DL3037: Rule = {
  code: 'DL3037',
  severity: 'warning',
  message: 'Pin versions in zypper install: use `zypper install <package>=<version>`.',
  explanation:
    'Without a version, `zypper install` takes the newest package in the repositories at build time, so rebuilds drift. Pin each package (`curl=8.0.1`) or bound it (`curl>=8.0`); quote the spec so the shell does not read `>` as a redirection.',
  check(context) {
    for (const install of zypperInstalls(context)) {
      // Patterns, patches and products have no versions to pin.
      const type = zypperType(install.tool);
      if (type !== undefined && type !== 'package') continue;
      for (const pkg of operands(install, ZYPPER_VALUE_OPTIONS)) {
        if (isOpaque(pkg.value) || isPathOrUrl(pkg.value) || pkg.value.endsWith('.rpm') || /[=<>]/.test(pkg.value)) continue;
        context.report({ span: wordSpan(install, pkg), message: `Pin versions in zypper install: \`${pkg.value}\` has no version (\`${pkg.value}=<version>\`).` });
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------
// go install

const GO_VALUE_OPTIONS = new Set(
  ['o', 'p', 'tags', 'ldflags', 'gcflags', 'asmflags', 'gccgoflags', 'mod', 'modfile', 'pkgdir', 'toolexec', 'overlay', 'pgo', 'C', 'buildmode', 'compiler', 'installsuffix', 'covermode', 'coverpkg', 'exec']
    .flatMap((f) => [`-${f}`, `--${f}`]),
);

/** Module queries that follow a branch or the newest release rather than naming a version. */
const GO_FLOATING = new Set(['latest', 'master', 'main', 'head']);

export const DL3062: Rule = {
  code: 'DL3062',
  severity: 'warning',
  message: 'Pin versions in go install: use `go install <package>@<version>`.',
  explanation:
    'Without a version (or with `@latest` or a branch name), `go install` builds whatever the module has on the day of the build, so rebuilds drift and can break. Name a release: `go install golang.org/x/tools/gopls@v0.15.3`. Local packages (`./cmd/...`) are built from your own sources and need no version.',
  check(context) {
    for (const install of invocations(context, named('go'), new Set(['install']), GO_VALUE_OPTIONS)) {
      for (const pkg of operands(install, GO_VALUE_OPTIONS)) {
        const spec = pkg.value;
        if (isOpaque(spec) || /^(\.{1,2}(\/|$)|\/)/.test(spec)) continue;
        const at = spec.lastIndexOf('@');
        const version = at === -1 ? '' : spec.slice(at + 1);
        if (version !== '' && !GO_FLOATING.has(version.toLowerCase())) continue;
        const base = at === -1 ? spec : spec.slice(0, at);
        context.report({
          span: wordSpan(install, pkg),
          message: version ? `Pin versions in go install: \`@${version}\` is not a fixed version (\`${base}@<version>\`).` : `Pin versions in go install: \`${spec}\` has no version (\`${spec}@<version>\`).`,
        });
      }
    }
  },
};

export const PACKAGE_RULES: readonly Rule[] = [
  DL3013, DL3016, DL3018, DL3019, DL3028, DL3030, DL3032, DL3033, DL3034, DL3035, DL3036, DL3037, DL3038, DL3040, DL3041, DL3042, DL3060, DL3062,
];
