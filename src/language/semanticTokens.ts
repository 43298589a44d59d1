/**
 * Post-processing of dockerfile-language-service's semantic tokens. The library marks every word of
 * a shell command (RUN, CMD, ENTRYPOINT, HEALTHCHECK CMD, heredoc bodies) as `parameter` and quoted
 * text as `string`. Semantic tokens paint over the TextMate grammar, which embeds a real shell
 * grammar there, so those two token types are dropped in the command part of such instructions;
 * keywords, flags, variables, escapes and comments keep their semantic colours. Pure: no `vscode`.
 */
import { argsOffsetToSource } from '../lint/dockerfile';
import type { Instruction, ParsedDockerfile } from '../lint/dockerfile';
import { SEMANTIC_TOKEN_TYPES } from './convert/lsp';
import { instructionAt } from './cursorContext';

const SHELL_COMMAND_INSTRUCTIONS: ReadonlySet<string> = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK']);
const YIELDED_TYPES: ReadonlySet<number> = new Set([SEMANTIC_TOKEN_TYPES.indexOf('parameter'), SEMANTIC_TOKEN_TYPES.indexOf('string')]);

/** Where the command (after the flags) of a shell instruction starts, as a file offset. */
function commandStart(instruction: Instruction): number | undefined {
  const target = instruction.keyword === 'ONBUILD' ? instruction.trigger : instruction;
  if (!target || !SHELL_COMMAND_INSTRUCTIONS.has(target.keyword)) return undefined;
  return argsOffsetToSource(target, target.restOffset);
}

/** The encoded tokens without `parameter`/`string` tokens inside shell commands, re-encoded. */
export function yieldShellToGrammar(data: readonly number[], parsed: ParsedDockerfile): number[] {
  const out: number[] = [];
  let line = 0;
  let character = 0;
  let lastLine = 0;
  let lastCharacter = 0;
  const starts = new Map<Instruction, number | undefined>();
  for (let i = 0; i + 4 < data.length; i += 5) {
    const deltaLine = data[i] ?? 0;
    const deltaStart = data[i + 1] ?? 0;
    line += deltaLine;
    character = deltaLine === 0 ? character + deltaStart : deltaStart;
    const type = data[i + 3] ?? 0;
    if (YIELDED_TYPES.has(type)) {
      const offset = (parsed.lineStarts[line] ?? parsed.text.length) + character;
      const instruction = instructionAt(parsed, offset);
      if (instruction) {
        if (!starts.has(instruction)) starts.set(instruction, commandStart(instruction));
        const start = starts.get(instruction);
        if (start !== undefined && offset >= start) continue;
      }
    }
    out.push(line - lastLine, line === lastLine ? character - lastCharacter : character, data[i + 2] ?? 0, type, data[i + 4] ?? 0);
    lastLine = line;
    lastCharacter = character;
  }
  return out;
}
