/** Small helpers shared by rule families. */
import type { Instruction, ParsedDockerfile, Span } from '../dockerfile';
import type { LocatedCommand, RuleContext, RunCommand } from '../types';

/** Per parsed file, the answers already given: most rules ask for the same keywords. */
const instructionCache = new WeakMap<ParsedDockerfile, Map<string, readonly Instruction[]>>();

/** Instructions with one of the keywords, including ONBUILD triggers (checked as if they ran). */
export function instructionsOf(file: ParsedDockerfile, ...keywords: string[]): readonly Instruction[] {
  let answers = instructionCache.get(file);
  if (!answers) {
    answers = new Map();
    instructionCache.set(file, answers);
  }
  const key = keywords.join('\0');
  const known = answers.get(key);
  if (known) return known;
  const wanted = new Set(keywords);
  const result: Instruction[] = [];
  for (const instruction of file.instructions) {
    if (wanted.has(instruction.keyword)) result.push(instruction);
    else if (instruction.trigger && wanted.has(instruction.trigger.keyword)) result.push(instruction.trigger);
  }
  answers.set(key, result);
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

/** Inserts `text` right after the command's subcommand word (e.g. after `install`). */
export function insertAfter(located: LocatedCommand, end: number, text: string): { span: Span; newText: string } {
  const at = located.script.span(end - 1, end).end;
  return { span: { start: at, end: at }, newText: text };
}
