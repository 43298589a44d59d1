/** Small helpers shared by rule families. */
import type { Comment, Instruction, ParsedDockerfile, Span, Stage } from '../dockerfile';
import type { Fix, LocatedCommand, RuleContext, RunCommand } from '../types';

/** Per parsed file: its instructions by keyword (ONBUILD triggers as their own keyword), and the answers already given. */
const instructionIndex = new WeakMap<ParsedDockerfile, { byKeyword: Map<string, Instruction[]>; answers: Map<string, readonly Instruction[]> }>();

/** Instructions with one of the keywords, including ONBUILD triggers (checked as if they ran), in file order. */
export function instructionsOf(file: ParsedDockerfile, ...keywords: string[]): readonly Instruction[] {
  let index = instructionIndex.get(file);
  if (!index) {
    // One pass over the file serves every rule's question.
    const byKeyword = new Map<string, Instruction[]>();
    const add = (instruction: Instruction): void => {
      const list = byKeyword.get(instruction.keyword);
      if (list) list.push(instruction);
      else byKeyword.set(instruction.keyword, [instruction]);
    };
    for (const instruction of file.instructions) {
      add(instruction);
      if (instruction.trigger) add(instruction.trigger);
    }
    index = { byKeyword, answers: new Map() };
    instructionIndex.set(file, index);
  }
  if (keywords.length === 1) return index.byKeyword.get(keywords[0] ?? '') ?? [];
  const key = keywords.join('\0');
  const known = index.answers.get(key);
  if (known) return known;
  const merged = keywords.flatMap((k) => index.byKeyword.get(k) ?? []).sort((x, y) => x.span.start - y.span.start);
  index.answers.set(key, merged);
  return merged;
}

/** The comments wholly inside [start, end), found by binary search (the parser lists them in source order). */
export function commentsWithin(file: ParsedDockerfile, start: number, end: number): Comment[] {
  const { comments } = file;
  let lo = 0;
  let hi = comments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((comments[mid]?.span.start ?? Infinity) < start) lo = mid + 1;
    else hi = mid;
  }
  const result: Comment[] = [];
  for (let i = lo; i < comments.length; i++) {
    const comment = comments[i];
    if (!comment || comment.span.start >= end) break;
    if (comment.span.end <= end) result.push(comment);
  }
  return result;
}

/** Every simple command in every RUN that runs in a POSIX shell, with its RUN instruction. */
export function runCommands(context: RuleContext): readonly RunCommand[] {
  return context.runCommands();
}

/** Commands named `name` (by base name, so `/usr/bin/apt-get` counts). */
export function commandsNamed(context: RuleContext, ...names: string[]): readonly RunCommand[] {
  return context.commandsNamed(...names);
}

/** The Dockerfile span of a command's name. */
export function nameSpan(located: LocatedCommand): Span {
  return located.script.span(located.command.nameStart, located.command.nameEnd);
}

/** The Dockerfile span of a whole command. */
export function commandSpan(located: LocatedCommand): Span {
  return located.script.span(located.command.start, located.command.end);
}

/**
 * A fix inserting `text` right after offset `end` of the command's script (e.g. after `install`),
 * or none where the script's offsets are not the Dockerfile's (JSON form, escaped `sh -c`).
 */
export function insertFix(located: LocatedCommand, end: number, title: string, text: string): Fix[] {
  return located.script.exact ? [{ title, edits: [insertAfter(located, end, text)] }] : [];
}

/**
 * Appends `&& <command>` to the end of the RUN line. Offered only when the RUN's own shell script
 * ends with a simple command (not inside a loop or subshell, nor followed by `&`, `;` or a shell
 * comment), so the addition is certain to run last and to parse; the line break uses the file's
 * escape character.
 */
export function appendFix(context: RuleContext, located: LocatedCommand, title: string, command: string): Fix[] {
  const { script } = located;
  if (script.kind !== 'shell' || script.script.hasError) return [];
  const source = script.script.source;
  const last = script.script.commands[script.script.commands.length - 1];
  if (!last || last.end !== source.length || last.inSubshell) return [];
  const at = script.span(source.length - 1, source.length).end;
  return [{ title, edits: [{ span: { start: at, end: at }, newText: ` ${context.file.escape}\n    && ${command}` }] }];
}

/** Inserts `text` right after the command's subcommand word (e.g. after `install`). */
export function insertAfter(located: LocatedCommand, end: number, text: string): { span: Span; newText: string } {
  const at = located.script.span(end - 1, end).end;
  return { span: { start: at, end: at }, newText: text };
}

/** The earlier stage a FROM builds on (`FROM builder`), if any. */
export function parentStage(file: ParsedDockerfile, stage: Stage): Stage | undefined {
  const image = stage.image.toLowerCase();
  for (let i = stage.index - 1; i >= 0; i--) {
    const candidate = file.stages[i];
    if (candidate?.name === image) return candidate;
  }
  return undefined;
}

/** Follows `FROM <earlier stage>` links back, for settings a stage inherits. */
export function* stageChain(file: ParsedDockerfile, stage: Stage): Generator<Stage> {
  const seen = new Set<number>();
  for (let s: Stage | undefined = stage; s && !seen.has(s.index); s = parentStage(file, s)) {
    seen.add(s.index);
    yield s;
  }
}

/**
 * The stages whose layers end up in the image the file builds: the last stage and those it builds
 * on (`FROM <stage>`). A stage only copied from (`COPY --from=builder`) is not among them.
 */
export function stagesInFinalImage(file: ParsedDockerfile): ReadonlySet<number> {
  const last = file.stages[file.stages.length - 1];
  return new Set(last ? [...stageChain(file, last)].map((s) => s.index) : []);
}
