/** General shell hygiene in RUN: commands that do not belong in a build, `cd`, sudo, wget/curl, pipes. */
import type { Instruction, ParsedDockerfile, Span, Stage } from '../dockerfile';
import { commandName, hasOption, positionalArgs } from '../shell';
import type { ShellCommand, ShellWord } from '../shell';
import type { Fix, LocatedCommand, Rule, RuleContext } from '../types';
import { commandsNamed, commentsWithin, nameSpan } from './util';

// ---------------------------------------------------------------------------------------------
// Small helpers local to this family.

/** True when the located command's span maps onto exactly the same text in the Dockerfile, so an edit there is safe. */
function editable(context: RuleContext, located: LocatedCommand, start: number, end: number): boolean {
  if (!located.script.exact) return false;
  const span = located.script.span(start, end);
  return context.file.text.slice(span.start, span.end) === located.script.script.source.slice(start, end);
}

/** An insertion right after the command's name, when the text there can be edited safely. */
function insertAfterName(context: RuleContext, located: LocatedCommand, text: string): Fix['edits'] | undefined {
  const { nameStart, nameEnd } = located.command;
  if (!editable(context, located, nameStart, nameEnd)) return undefined;
  const at = located.script.span(nameStart, nameEnd).end;
  return [{ span: { start: at, end: at }, newText: text }];
}

/** The whitespace before the instruction's keyword on its line. */
function indentOf(file: ParsedDockerfile, offset: number): string {
  let lineStart = offset;
  while (lineStart > 0 && file.text[lineStart - 1] !== '\n') lineStart--;
  return file.text.slice(lineStart, offset);
}

/** Offset of the start of the line that contains `offset`. */
function lineStartOf(file: ParsedDockerfile, offset: number): number {
  let lineStart = offset;
  while (lineStart > 0 && file.text[lineStart - 1] !== '\n') lineStart--;
  return lineStart;
}

/** The instructions of a stage as they run: ONBUILD triggers stand for themselves. */
function stageInstructions(stage: Stage): Array<{ instruction: Instruction; outer: Instruction }> {
  return stage.instructions.map((outer) => ({ instruction: outer.trigger ?? outer, outer }));
}

function lineOf(file: ParsedDockerfile, offset: number): number {
  let lo = 0;
  let hi = file.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((file.lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

// ---------------------------------------------------------------------------------------------

const POINTLESS_COMMANDS = ['ssh', 'vim', 'shutdown', 'service', 'ps', 'free', 'top', 'kill', 'mount', 'ifconfig'];

export const DL3001: Rule = {
  code: 'DL3001',
  severity: 'info',
  message: 'Avoid commands that make no sense in a container build (ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig).',
  explanation:
    'A build step runs non-interactively in a throwaway container without an init system, a terminal or a network to administer, so tools such as `vim`, `service`, `top` or `shutdown` either fail or do nothing useful. Remove the command; configure the image with files and instructions, and run services as the container\'s process.',
  check(context) {
    for (const located of commandsNamed(context, ...POINTLESS_COMMANDS)) {
      const name = commandName(located.command);
      context.report({ span: nameSpan(located), message: `Avoid \`${name}\` in a RUN: it makes no sense in a container build.` });
    }
  },
};

/** For `RUN cd /abs/dir && rest…`: the fix that moves the `cd` into a WORKDIR. */
function cdFix(context: RuleContext, run: Instruction, located: LocatedCommand): Fix | undefined {
  const { command, script } = located;
  // Not for ONBUILD RUN: a WORKDIR there would change this image, not the one the trigger runs in.
  if (script.kind !== 'shell' || run.heredocs.length > 0 || !context.file.instructions.includes(run)) return undefined;
  // The `cd` must be the script's first command, at the top level.
  if (script.script.commands[0] !== command || command.inSubshell || command.inPipeline || script.script.hasError) return undefined;
  if (command.args.length !== 1) return undefined;
  const dir = command.args[0];
  if (!dir || !dir.value.startsWith('/') || /[\s$`\\'"]/.test(dir.value)) return undefined;
  // What follows must be `&& rest`.
  const source = script.script.source;
  if (source.slice(command.start, command.end).trimEnd() !== source.slice(command.start, dir.end)) return undefined;
  let i = command.end;
  while (source[i] === ' ' || source[i] === '\t') i++;
  if (source.slice(i, i + 2) !== '&&') return undefined;
  i += 2;
  while (source[i] === ' ' || source[i] === '\t') i++;
  if (i >= source.length) return undefined;
  const next = script.script.commands[1];
  if (!next || next.connector !== '&&') return undefined;
  if (!editable(context, located, command.start, command.end)) return undefined;
  const remove = script.span(command.start, i);
  const indent = indentOf(context.file, run.keywordSpan.start);
  return {
    title: `Use WORKDIR ${dir.value} instead of cd (later instructions then also run there)`,
    edits: [
      { span: { start: run.keywordSpan.start, end: run.keywordSpan.start }, newText: `WORKDIR ${dir.value}\n${indent}` },
      { span: remove, newText: '' },
    ],
  };
}

export const DL3003: Rule = {
  code: 'DL3003',
  severity: 'warning',
  message: 'Use WORKDIR to switch to a directory instead of `cd`.',
  explanation:
    '`cd` only lasts until the end of its RUN, so the next instruction is back in the previous directory, which is easy to forget. WORKDIR sets the directory for every following instruction (and creates it), and documents it in the Dockerfile.',
  check(context) {
    for (const located of commandsNamed(context, 'cd')) {
      const fix = cdFix(context, located.run, located);
      context.report({ span: nameSpan(located), fixes: fix ? [fix] : [] });
    }
  },
};

export const DL3004: Rule = {
  code: 'DL3004',
  severity: 'error',
  message: 'Do not use sudo: it has unpredictable behaviour in a build. Switch USER instead, or run the step as root.',
  explanation:
    'sudo is rarely installed in base images, needs a terminal or a sudoers entry, and its environment handling differs from a normal shell. Build steps already run as the current USER: run privileged steps before switching to an unprivileged USER, or switch with `USER root` and back.',
  check(context) {
    for (const located of commandsNamed(context, 'sudo')) context.report({ span: nameSpan(located) });
  },
};

// --- DL3010 --------------------------------------------------------------------------------------

const ARCHIVE_SUFFIXES = ['.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tbz2', '.tar.xz', '.txz'];

function isArchive(path: string): boolean {
  const lower = path.toLowerCase();
  return ARCHIVE_SUFFIXES.some((s) => lower.endsWith(s) && lower.length > s.length);
}

function baseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const slash = trimmed.lastIndexOf('/');
  return slash === -1 ? trimmed : trimmed.slice(slash + 1);
}

function unquoteWord(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) return value.slice(1, -1);
  return value;
}

/** tar's short options that take a value (so a following word is not the archive). */
const TAR_SHORT_WITH_VALUE = new Set(['f', 'C', 'T', 'X', 'b', 'H', 'K', 'N', 'V', 'g', 'I', 'L', 'F']);

/** When `tar` extracts an archive: the archive file it reads (undefined when not extracting or reading stdin). */
function tarExtractedFile(command: ShellCommand): string | undefined {
  let extracting = false;
  let file: string | undefined;
  const args = command.args;
  const pendingValues: Array<'file' | 'other'> = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg) continue;
    const v = arg.value;
    if (pendingValues.length > 0) {
      const kind = pendingValues.shift();
      if (kind === 'file') file = v;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq === -1 ? v : v.slice(0, eq);
      if (name === '--extract' || name === '--get') extracting = true;
      else if (name === '--file') {
        if (eq === -1) pendingValues.push('file');
        else file = v.slice(eq + 1);
      } else if (eq === -1 && ['--directory', '--files-from', '--exclude-from', '--use-compress-program', '--to-command', '--exclude', '--transform', '--strip-components', '--owner', '--group', '--mode'].includes(name)) {
        pendingValues.push('other');
      }
      continue;
    }
    // The first word may be an old-style bundle without a dash (`tar xzf file.tgz`).
    const cluster = v.startsWith('-') ? v.slice(1) : i === 0 ? v : undefined;
    if (cluster === undefined || !/^[A-Za-z]+/.test(cluster)) continue;
    const oldStyle = !v.startsWith('-');
    for (let j = 0; j < cluster.length; j++) {
      const letter = cluster[j] ?? '';
      if (letter === 'x') extracting = true;
      if (!TAR_SHORT_WITH_VALUE.has(letter)) continue;
      if (oldStyle || j === cluster.length - 1) {
        // The value is the next word (old style: each such letter takes the next word in order).
        pendingValues.push(letter === 'f' ? 'file' : 'other');
        if (!oldStyle) break;
      } else {
        // `-ffile.tar`: the rest of the word is the value.
        if (letter === 'f') file = cluster.slice(j + 1);
        break;
      }
    }
  }
  return extracting && file !== undefined && file !== '-' ? file : undefined;
}

export const DL3010: Rule = {
  code: 'DL3010',
  severity: 'info',
  message: 'Use ADD to extract a local archive into the image instead of COPY and `tar -x`.',
  explanation:
    'COPY followed by `tar -x` stores the archive in one layer and its contents in another, so the image carries both. ADD extracts a local tar archive (plain, gzip, bzip2 or xz) straight into the destination in a single layer; use it for this case, and COPY for everything else.',
  check(context) {
    for (const stage of context.file.stages) {
      const archives: Array<{ name: string; span: Span; source: string }> = [];
      for (const { instruction } of stageInstructions(stage)) {
        if (instruction.keyword === 'COPY') {
          if (instruction.flags.some((f) => f.name === 'from') || instruction.heredocs.length > 0) continue;
          const words = instruction.json ? undefined : instruction.words;
          if (!words || words.length < 2) continue;
          const sources = words.slice(0, -1);
          const dest = unquoteWord(words[words.length - 1]?.value ?? '');
          for (const source of sources) {
            const path = unquoteWord(source.value);
            if (!isArchive(path) || path.includes('*') || path.includes('$')) continue;
            // A single source copied to a file name renames it.
            const renamed = sources.length === 1 && !dest.endsWith('/') && isArchive(dest);
            archives.push({ name: baseName(renamed ? dest : path), span: source.span, source: path });
          }
        } else if (instruction.keyword === 'RUN' && archives.length > 0 && context.isPosixShell(instruction)) {
          for (const located of context.commands(instruction)) {
            if (commandName(located.command) !== 'tar') continue;
            // ADD extracts everything as it is: it cannot strip, filter or rename entries.
            if (hasOption(located.command, '--strip-components', '--exclude', '--transform', '--xform', '--wildcards', '--exclude-from', '-X')) continue;
            const file = tarExtractedFile(located.command);
            if (file === undefined) continue;
            const name = baseName(file);
            for (let k = archives.length - 1; k >= 0; k--) {
              const archive = archives[k];
              if (!archive || archive.name !== name) continue;
              context.report({
                span: archive.span,
                message: `Use ADD to extract \`${archive.source}\` into the image instead of COPY and \`tar -x\` (line ${lineOf(context.file, located.script.span(located.command.nameStart, located.command.nameEnd).start)}).`,
              });
              archives.splice(k, 1);
            }
          }
        }
      }
    }
  },
};

// --- DL3046 --------------------------------------------------------------------------------------

/** The `-u`/`--uid` value of a useradd, with its word. */
function useraddUid(command: ShellCommand): { value: string; word: ShellWord } | undefined {
  const args = command.args;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg) continue;
    const v = arg.value;
    if (v === '--') break;
    if (v === '--uid') {
      const next = args[i + 1];
      return next ? { value: next.value, word: next } : undefined;
    }
    if (v.startsWith('--uid=')) return { value: v.slice('--uid='.length), word: arg };
    if (v.startsWith('-') && !v.startsWith('--')) {
      // Short flags without values (`-m`, `-l`, `-o`, `-r`, `-M`, `-N`, `-U`) may be bundled before `u`.
      const m = /^-([lmoMNrU]*)u(.*)$/.exec(v);
      if (m) {
        if (m[2]) return { value: m[2], word: arg };
        const next = args[i + 1];
        return next ? { value: next.value, word: next } : undefined;
      }
    }
  }
  return undefined;
}

export const DL3046: Rule = {
  code: 'DL3046',
  severity: 'warning',
  message: '`useradd` with a high UID and without `-l` (`--no-log-init`) can make the image huge.',
  explanation:
    'useradd records each user in /var/log/lastlog and /var/log/faillog, sparse files indexed by UID; with a large UID the layer stores gigabytes of zeros because image layers do not keep files sparse. Add `-l` (`--no-log-init`) to skip these logs.',
  check(context) {
    for (const located of commandsNamed(context, 'useradd')) {
      const uid = useraddUid(located.command);
      if (!uid || !/^\d+$/.test(uid.value) || uid.value.replace(/^0+/, '').length <= 5) continue;
      if (hasOption(located.command, '-l', '--no-log-init')) continue;
      const edits = insertAfterName(context, located, ' --no-log-init');
      context.report({
        span: nameSpan(located),
        message: `\`useradd\` with UID ${uid.value} needs \`-l\` (\`--no-log-init\`) to avoid a huge image.`,
        fixes: edits ? [{ title: 'Add --no-log-init to useradd', edits }] : [],
      });
    }
  },
};

// --- DL3047 --------------------------------------------------------------------------------------

/** wget's short options that take a value: letters after them in a bundle belong to the value. */
const WGET_SHORT_WITH_VALUE = new Set(['o', 'a', 'e', 'i', 'B', 't', 'O', 'T', 'w', 'Q', 'P', 'U', 'A', 'R', 'D', 'X', 'I', 'l']);

/** True when wget's progress output is already quiet, limited, or sent to a log file. */
function wgetIsQuiet(command: ShellCommand): boolean {
  for (const arg of command.args) {
    const v = arg.value;
    if (v === '--') return false;
    if (v.startsWith('--')) {
      const name = v.includes('=') ? v.slice(0, v.indexOf('=')) : v;
      if (['--progress', '--quiet', '--no-verbose', '--output-file', '--append-output'].includes(name)) return true;
      continue;
    }
    if (v === '-nv') return true;
    if (!v.startsWith('-') || /^-n[a-zA-Z]$/.test(v)) continue;
    for (const letter of v.slice(1)) {
      if (letter === 'q' || letter === 'o' || letter === 'a') return true;
      if (WGET_SHORT_WITH_VALUE.has(letter)) break;
    }
  }
  return false;
}

export const DL3047: Rule = {
  code: 'DL3047',
  severity: 'info',
  message: 'Use `wget --progress=dot:giga` (or `-q`/`-nv`): its default progress bar floods the build log.',
  explanation:
    'Without a terminal, wget prints its progress as lines of dots, one per few kilobytes, so downloading a large file writes thousands of lines to the build log. `--progress=dot:giga` keeps progress but condenses it; `-q` or `-nv` silences it.',
  check(context) {
    for (const located of commandsNamed(context, 'wget')) {
      if (wgetIsQuiet(located.command)) continue;
      const edits = insertAfterName(context, located, ' --progress=dot:giga');
      context.report({ span: nameSpan(located), fixes: edits ? [{ title: 'Add --progress=dot:giga', edits }] : [] });
    }
  },
};

// --- DL3059 --------------------------------------------------------------------------------------

function sameFlags(a: Instruction, b: Instruction): boolean {
  const key = (i: Instruction): string =>
    i.flags
      .map((f) => `${f.name}=${f.value ?? ''}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

/** Builtins whose effect on the shell would leak into the merged RUN. */
const STATEFUL_COMMANDS = new Set(['cd', 'pushd', 'popd', 'export', 'set', 'source', '.', 'umask', 'shopt', 'alias', 'unset', 'exec', 'exit', 'declare', 'typeset', 'local', 'readonly', 'trap', 'return', 'ulimit']);

/** The fix that appends `later` to `earlier` with `&&`, when that keeps both scripts' meaning. */
function mergeFix(context: RuleContext, earlier: Instruction, later: Instruction): Fix | undefined {
  const { file } = context;
  for (const run of [earlier, later]) {
    if (run.json || run.heredocs.length > 0 || !run.rest) return undefined;
    const scripts = context.scripts(run);
    const main = scripts[0];
    if (!main || main.kind !== 'shell' || main.script.hasError) return undefined;
  }
  const main = context.scripts(earlier)[0];
  if (!main) return undefined;
  // The earlier script must not change the shell's state for the later one, nor end in a way `&&` cannot follow.
  if (main.script.commands.some((c) => !c.inSubshell && STATEFUL_COMMANDS.has(commandName(c)))) return undefined;
  const last = earlier.rest[earlier.rest.length - 1];
  if (last === ';' || last === '&' || last === '|') return undefined;
  // A shell comment (`# …`) would swallow the appended commands.
  if (earlier.words.some((w) => w.value.startsWith('#'))) return undefined;
  // A bare assignment (`FOO=bar`) outside any command sets a shell variable the later script would see.
  const commandSpans = main.script.commands.map((c) => main.span(c.start, c.end));
  for (const word of earlier.words) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(word.value)) continue;
    if (!commandSpans.some((s) => s.start <= word.span.start && word.span.end <= s.end)) return undefined;
  }
  // Keep any comment lines that sat between the two RUNs, inside the continuation.
  const between = commentsWithin(file, earlier.span.end, later.keywordSpan.start);
  const laterRestStart = later.words[0]?.span.start;
  if (laterRestStart === undefined) return undefined;
  const escape = file.escape;
  const commentLines = between.map((c) => `${file.text.slice(c.span.start, c.span.end)}\n`).join('');
  return {
    title: 'Merge this RUN into the one before it',
    edits: [{ span: { start: earlier.span.end, end: laterRestStart }, newText: ` ${escape}\n${commentLines}    && ` }],
  };
}

export const DL3059: Rule = {
  code: 'DL3059',
  severity: 'info',
  message: 'Consecutive RUN instructions: consider merging them into one.',
  explanation:
    'Each RUN adds a layer and a step to the build; consecutive RUNs that belong together are usually better as one, joined with `&&`, which also lets clean-up in the same step shrink the layer. RUNs with different flags (such as `--mount`) are left alone, since they cannot simply be joined.',
  check(context) {
    for (const stage of context.file.stages) {
      let previous: Instruction | undefined;
      for (const instruction of stage.instructions) {
        if (instruction.keyword !== 'RUN') {
          previous = undefined;
          continue;
        }
        if (previous && sameFlags(previous, instruction)) {
          const fix = mergeFix(context, previous, instruction);
          context.report({ span: instruction.keywordSpan, fixes: fix ? [fix] : [] });
        }
        previous = instruction;
      }
    }
  },
};

// --- DL4001 --------------------------------------------------------------------------------------

export const DL4001: Rule = {
  code: 'DL4001',
  severity: 'warning',
  message: 'Both wget and curl are used in this stage: pick one.',
  explanation:
    'wget and curl do the same job; installing and using both adds size and two sets of behaviours to reason about. Settle on one of them per stage (usually whichever the base image already has).',
  check(context) {
    const byStage = new Map<number, Array<LocatedCommand & { run: Instruction }>>();
    for (const located of commandsNamed(context, 'wget', 'curl')) {
      const list = byStage.get(located.run.stage) ?? [];
      list.push(located);
      byStage.set(located.run.stage, list);
    }
    for (const list of byStage.values()) {
      const first = list[0];
      if (!first) continue;
      const firstTool = commandName(first.command);
      const others = list.filter((l) => commandName(l.command) !== firstTool);
      if (others.length === 0) continue;
      const firstLine = lineOf(context.file, nameSpan(first).start);
      for (const located of others) {
        context.report({
          span: nameSpan(located),
          message: `Both wget and curl are used in this stage: pick one (\`${firstTool}\` is used on line ${firstLine}).`,
        });
      }
    }
  },
};

// --- DL4005 --------------------------------------------------------------------------------------

const SH_PATHS = new Set(['/bin/sh', '/usr/bin/sh']);

export const DL4005: Rule = {
  code: 'DL4005',
  severity: 'warning',
  message: 'Use SHELL to change the default shell instead of linking over /bin/sh.',
  explanation:
    'Replacing /bin/sh with a symlink changes the shell for every program in the image that runs `sh`, not just for the build, and breaks scripts written for the original shell. The SHELL instruction changes the shell that RUN uses and nothing else.',
  check(context) {
    for (const located of commandsNamed(context, 'ln')) {
      if (!hasOption(located.command, '-s', '--symbolic')) continue;
      const positional = positionalArgs(located.command, new Set(['-S', '--suffix', '-t', '--target-directory']));
      const target = positional[positional.length - 1];
      if (positional.length < 2 || !target || !SH_PATHS.has(target.value)) continue;
      context.report({ span: nameSpan(located) });
    }
  },
};

// --- DL4006 --------------------------------------------------------------------------------------

/** True when the words (a SHELL's or `set`'s) turn on `-o pipefail`. */
function setsPipefail(words: readonly string[]): boolean {
  for (let i = 0; i + 1 < words.length; i++) {
    if (words[i + 1] === 'pipefail' && /^-[a-zA-Z]*o$/.test(words[i] ?? '')) return true;
  }
  return false;
}

function isMuslBase(image: string): boolean {
  const name = image.toLowerCase().split('@')[0]?.split(':')[0] ?? '';
  const last = name.split('/').pop() ?? '';
  return last === 'alpine' || last === 'busybox' || image.toLowerCase().includes('-alpine') || image.toLowerCase().includes(':alpine');
}

/** A `set -o pipefail` (or `set -euo pipefail`) runs before the script's first pipeline. */
function setsPipefailFirst(commands: readonly ShellCommand[]): boolean {
  for (const command of commands) {
    if (command.inPipeline) return false;
    if (!command.inSubshell && commandName(command) === 'set' && setsPipefail(command.args.map((a) => a.value))) return true;
  }
  return false;
}

export const DL4006: Rule = {
  code: 'DL4006',
  severity: 'warning',
  message: 'Set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before a RUN with a pipe.',
  explanation:
    'A pipeline\'s exit status is that of its last command, so in `curl … | tar x` a failed download goes unnoticed and the build carries on with a broken result. Set `-o pipefail` with a SHELL instruction earlier in the stage (or start the RUN with `set -o pipefail &&`) so any failing command fails the step.',
  check(context) {
    const { file } = context;
    const finalState = new Map<string, boolean>();
    // The external image each stage ultimately builds on, to pick a shell it has.
    const baseImage = new Map<string, string>();
    for (const stage of file.stages) {
      const base = baseImage.get(stage.image.toLowerCase()) ?? stage.image;
      if (stage.name) baseImage.set(stage.name, base);
      // A stage built on an earlier one inherits its SHELL.
      let pipefail = finalState.get(stage.image.toLowerCase()) ?? false;
      for (const { instruction, outer } of stageInstructions(stage)) {
        if (instruction.keyword === 'SHELL' && instruction.json) {
          pipefail = setsPipefail(instruction.json.values.slice(1));
          continue;
        }
        if (instruction.keyword !== 'RUN' || pipefail || !context.isPosixShell(instruction)) continue;
        // The RUN line's script, and heredoc bodies the shell runs (`RUN <<EOF`, `RUN bash <<EOF`).
        const piped = context.scripts(instruction).find((s) => (s.kind === 'shell' || s.kind === 'heredoc') && s.script.hasPipe && !setsPipefailFirst(s.script.commands));
        if (!piped) continue;
        // Point at the first command of the first pipeline.
        const pipe = piped.script.commands.find((c) => c.inPipeline);
        const span = pipe ? piped.span(pipe.nameStart, pipe.nameEnd) : outer.keywordSpan;
        const shell = isMuslBase(base) ? '/bin/ash' : '/bin/bash';
        const indent = indentOf(file, outer.keywordSpan.start);
        const at = lineStartOf(file, outer.leadingComments[0]?.span.start ?? outer.keywordSpan.start);
        context.report({
          span,
          message: `Set \`SHELL ["${shell}", "-o", "pipefail", "-c"]\` before this RUN: without it a failure before the pipe goes unnoticed.`,
          fixes: [
            {
              title: 'Add SHELL with -o pipefail before this RUN',
              edits: [{ span: { start: at, end: at }, newText: `${indent}SHELL ["${shell}", "-o", "pipefail", "-c"]\n` }],
            },
          ],
        });
      }
      if (stage.name) finalState.set(stage.name, pipefail);
    }
  },
};

export const SHELL_RULES: readonly Rule[] = [DL3001, DL3003, DL3004, DL3010, DL3046, DL3047, DL3059, DL4001, DL4005, DL4006];
