/**
 * hadolint's inline pragmas, which Berth honours so existing Dockerfiles keep working:
 *   # hadolint ignore=DL3008,DL3015    the next instruction
 *   # hadolint global ignore=DL3059    the whole file
 *   # hadolint shell=powershell        the shell RUN uses from here on (turns off shell rules)
 */
import type { Instruction, ParsedDockerfile } from './dockerfile';
import { parseDockerfile, positionAt } from './dockerfile';

const IGNORE = /^hadolint\s+ignore\s*=\s*([A-Za-z0-9, \t]+)$/i;
const GLOBAL_IGNORE = /^hadolint\s+global\s+ignore\s*=\s*([A-Za-z0-9, \t]+)$/i;
const SHELL = /^hadolint\s+shell\s*=\s*(\S+)$/i;
/** Windows base images, whose RUN goes to `cmd /S /C` unless SHELL says otherwise. */
const WINDOWS_IMAGE = /windowsservercore|nanoserver|servercore|(^|\/)windows([/:]|$)/i;
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);

export interface Pragmas {
  globallyIgnored: ReadonlySet<string>;
  /** Codes ignored by a pragma above the instruction that contains `offset`. */
  isIgnoredAt(code: string, offset: number): boolean;
  isPosixShellAt(instruction: Instruction): boolean;
  /** The base name of the shell RUN uses there (`sh`, `bash`, `pwsh`, `cmd` on Windows images…). */
  shellAt(instruction: Instruction): string;
  /** Every pragma comment, for DL1001. */
  pragmaComments: ReadonlyArray<{ start: number; end: number }>;
}

function codes(list: string): string[] {
  return list
    .split(/[,\s]+/)
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c.length > 0);
}

/**
 * The codes of a `hadolint ignore=…` comment (its text after `#`), as written; undefined when the
 * comment is not such a pragma (then it ignores nothing, as in hadolint).
 */
export function ignorePragmaCodes(commentText: string): string[] | undefined {
  const match = IGNORE.exec(commentText);
  return match?.[1] === undefined ? undefined : match[1].split(/[,\s]+/).filter((c) => c.length > 0);
}

/** The executable's base name: `/bin/bash` → `bash`, `powershell.exe` → `powershell`. */
function shellName(executable: string): string {
  const base = executable.split(/[\\/]/).pop() ?? executable;
  return base.replace(/\.exe$/i, '').toLowerCase();
}

export function collectPragmas(file: ParsedDockerfile): Pragmas {
  const globallyIgnored = new Set<string>();
  const pragmaComments: Array<{ start: number; end: number }> = [];
  for (const comment of file.comments) {
    const global = GLOBAL_IGNORE.exec(comment.text);
    if (global?.[1]) {
      for (const c of codes(global[1])) globallyIgnored.add(c);
      pragmaComments.push(comment.span);
    } else if (IGNORE.test(comment.text) || SHELL.test(comment.text)) {
      pragmaComments.push(comment.span);
    }
  }

  // Per instruction: codes ignored for it, and whether RUN uses a POSIX shell there.
  const ignoredBy = new Map<Instruction, Set<string>>();
  const shells = new Map<Instruction, string>();
  let current = 'sh';
  let stage = -2;
  /** The shell each named stage ends with, for the stages built on it. */
  const stageEnds = new Map<string, string>();
  const remember = (): void => {
    const name = file.stages[stage]?.name;
    if (name) stageEnds.set(name, current);
  };
  for (const instruction of file.instructions) {
    if (instruction.stage !== stage) {
      remember();
      // A stage starts with its base's shell: the parent stage's, or the default one of the image
      // (cmd on Windows images, /bin/sh elsewhere).
      stage = instruction.stage;
      const image = file.stages[stage]?.image.toLowerCase() ?? '';
      current = stageEnds.get(image) ?? (WINDOWS_IMAGE.test(image) ? 'cmd' : 'sh');
    }
    for (const comment of instruction.leadingComments) {
      const ignore = IGNORE.exec(comment.text);
      if (ignore?.[1]) {
        const set = ignoredBy.get(instruction) ?? new Set<string>();
        for (const c of codes(ignore[1])) set.add(c);
        ignoredBy.set(instruction, set);
      }
      const shell = SHELL.exec(comment.text);
      if (shell?.[1]) current = shellName(shell[1]);
    }
    if (instruction.keyword === 'SHELL' && instruction.json?.values[0]) {
      current = shellName(instruction.json.values[0]);
    }
    shells.set(instruction, current);
    if (instruction.trigger) shells.set(instruction.trigger, current);
  }

  const spans = file.instructions.map((i) => i.span);
  const containing = (offset: number): Instruction | undefined => {
    let lo = 0;
    let hi = spans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const span = spans[mid];
      if (!span) break;
      if (offset < span.start) hi = mid - 1;
      else if (offset >= span.end && !(offset === span.start && span.start === span.end)) lo = mid + 1;
      else return file.instructions[mid];
    }
    return undefined;
  };

  return {
    globallyIgnored,
    pragmaComments,
    isIgnoredAt(code, offset) {
      if (ignoredBy.size === 0) return false;
      const instruction = containing(offset);
      return instruction !== undefined && (ignoredBy.get(instruction)?.has(code) ?? false);
    },
    isPosixShellAt(instruction) {
      return POSIX_SHELLS.has(shells.get(instruction) ?? 'sh');
    },
    shellAt(instruction) {
      return shells.get(instruction) ?? 'sh';
    },
  };
}

/** Inserts `# hadolint ignore=CODE` above the instruction, or adds the code to a pragma already there. */
export function ignoreHereEdit(text: string, offset: number, code: string): { line: number; replaceLine: boolean; newText: string } | undefined {
  const file = parseDockerfile(text);
  const instruction = file.instructions.find((i) => offset >= i.span.start && offset <= i.span.end);
  if (!instruction) return undefined;
  const start = positionAt(file.lineStarts, instruction.span.start);
  const indent = (text.slice(file.lineStarts[start.line] ?? 0, instruction.span.start).match(/^[ \t]*/) ?? [''])[0];
  const previous = instruction.leadingComments[instruction.leadingComments.length - 1];
  // Only a pragma the linter reads is extended; anything else (`ignore=DL3015 # why`) is left as it is.
  const codes = previous && previous.line === start.line - 1 ? ignorePragmaCodes(previous.text) : undefined;
  if (previous && codes) {
    if (!codes.some((c) => c.toUpperCase() === code.toUpperCase())) codes.push(code);
    const lineIndent = (text.slice(file.lineStarts[previous.line] ?? 0, previous.span.start).match(/^[ \t]*/) ?? [''])[0];
    return { line: previous.line, replaceLine: true, newText: `${lineIndent}# hadolint ignore=${codes.join(',')}` };
  }
  return { line: start.line, replaceLine: false, newText: `${indent}# hadolint ignore=${code}\n` };
}
