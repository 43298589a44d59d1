/**
 * A fast, tolerant Dockerfile parser for the linter. It is linear in the file's size: the linter
 * must keep up with 20,000-line files, where dockerfile-ast takes seconds. It follows BuildKit's
 * rules for parser directives, the escape character, line continuations (with comments and blank
 * lines inside them), flags, exec (JSON) form and heredocs. Tests compare it with dockerfile-ast.
 */

/** Offsets into the file's text, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

export interface Directive {
  name: string;
  value: string;
  span: Span;
}

export interface Comment {
  /** The text after `#`, trimmed. */
  text: string;
  span: Span;
  /** 0-based line. */
  line: number;
}

export interface Flag {
  name: string;
  /** Undefined for a bare flag such as `--link`. */
  value: string | undefined;
  span: Span;
  nameSpan: Span;
  valueSpan: Span | undefined;
}

export interface Word {
  /** The word as written, quotes kept. */
  value: string;
  span: Span;
  /** Where the word sits in the instruction's logical `args` text. */
  argsStart: number;
  argsEnd: number;
}

export interface Heredoc {
  /** The delimiter word, without quotes. */
  name: string;
  /** `<<-` strips leading tabs from the body. */
  stripTabs: boolean;
  /** A quoted delimiter turns off expansion in the body. */
  quoted: boolean;
  /** The `<<EOF` marker in the instruction line. */
  markerSpan: Span;
  /** The body lines (may be empty), without the closing delimiter line. */
  bodySpan: Span;
  body: string;
  /** The closing delimiter line; undefined when the file ended first. */
  delimiterSpan: Span | undefined;
}

export interface Instruction {
  /** Upper-cased keyword, e.g. `RUN`. */
  keyword: string;
  keywordSpan: Span;
  /** From the keyword to the end of the last continuation line or heredoc. */
  span: Span;
  /** 0-based line of the keyword. */
  line: number;
  /**
   * The arguments as one logical line: continuations joined, comment lines inside them removed.
   * Positions map back to the file through `toSource`.
   */
  args: string;
  /**
   * Where `args` came from: one segment per source line, `[argsOffset, sourceOffset]`, in order.
   * Segments are contiguous in `args`; `toSource` maps through them.
   */
  argsMap: Array<[number, number]>;
  flags: Flag[];
  /** The arguments after the flags (logical text) and where they start in `args`. */
  rest: string;
  restOffset: number;
  /** Whitespace-separated words of `rest`, honouring quotes. */
  words: Word[];
  /** Set when `rest` is a JSON array of strings (exec form). */
  json: { values: string[]; span: Span } | undefined;
  heredocs: Heredoc[];
  /** Index into `stages`; -1 before the first FROM. */
  stage: number;
  /** For ONBUILD: the trigger instruction, parsed from the rest of the line. */
  trigger: Instruction | undefined;
  /** Comments directly above this instruction (no blank line between), in order. */
  leadingComments: Comment[];
}

export interface Stage {
  index: number;
  /** The FROM instruction. */
  from: Instruction;
  /** The image reference as written (may contain variables). */
  image: string;
  imageSpan: Span;
  /** The `AS name`, lower-cased as BuildKit compares it; undefined when unnamed. */
  name: string | undefined;
  nameSpan: Span | undefined;
  platform: string | undefined;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  text: string;
  escape: string;
  directives: Directive[];
  comments: Comment[];
  instructions: Instruction[];
  stages: Stage[];
  /** Offsets where each line starts. */
  lineStarts: number[];
}

export interface Position {
  line: number;
  character: number;
}

const FLAG_INSTRUCTIONS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);
const DIRECTIVE = /^#[ \t]*([a-zA-Z][a-zA-Z0-9_-]*)[ \t]*=[ \t]*(.*?)[ \t]*$/;
/** The parser directives BuildKit knows; any other `# x=y` line is a comment. */
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - (lineStarts[lo] ?? 0) };
}

export function offsetAt(lineStarts: readonly number[], text: string, position: Position): number {
  const start = lineStarts[position.line];
  if (start === undefined) return text.length;
  return Math.min(start + position.character, text.length);
}

/** Maps an offset in an instruction's logical `args` text to a file offset. */
export function argsOffsetToSource(instruction: Pick<Instruction, 'argsMap'>, offset: number, endOfRange = false): number {
  const map = instruction.argsMap;
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const entry = map[mid];
    // An end offset that falls on a segment boundary belongs to the earlier segment.
    if (entry && (endOfRange ? entry[0] < offset : entry[0] <= offset)) lo = mid;
    else hi = mid - 1;
  }
  const [argsStart, sourceStart] = map[lo] ?? [0, 0];
  return sourceStart + (offset - argsStart);
}

/** Maps a span of an instruction's logical `args` text back to file offsets. */
export function toSource(instruction: Pick<Instruction, 'argsMap'>, start: number, end: number): Span {
  const s = argsOffsetToSource(instruction, start);
  const e = end > start ? argsOffsetToSource(instruction, end, true) : s;
  return { start: s, end: Math.max(s, e) };
}

interface RawLine {
  start: number;
  /** Excluding the line break (and a trailing \r). */
  end: number;
  next: number;
}

class LineReader {
  pos = 0;
  constructor(private readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): RawLine {
    const nl = this.text.indexOf('\n', this.pos);
    const next = nl === -1 ? this.text.length : nl + 1;
    let end = nl === -1 ? this.text.length : nl;
    if (end > this.pos && this.text.charCodeAt(end - 1) === 13) end--;
    return { start: this.pos, end, next };
  }
  read(): RawLine {
    const line = this.peek();
    this.pos = line.next;
    return line;
  }
}

function firstNonBlank(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
  return e;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lineStarts = computeLineStarts(text);
  const reader = new LineReader(text);
  // A UTF-8 byte-order mark is not part of the first line, as BuildKit reads it.
  if (text.charCodeAt(0) === 0xfeff) reader.pos = 1;
  const directives: Directive[] = [];
  const comments: Comment[] = [];
  const instructions: Instruction[] = [];
  const stages: Stage[] = [];
  let escape = '\\';
  let lookingForDirectives = true;
  let pendingComments: Comment[] = [];

  const lineOf = (offset: number): number => positionAt(lineStarts, offset).line;

  while (!reader.done) {
    const raw = reader.read();
    const first = firstNonBlank(text, raw.start, raw.end);
    if (first >= raw.end) {
      lookingForDirectives = false;
      pendingComments = [];
      continue;
    }
    if (text.charCodeAt(first) === 35 /* # */) {
      const lineText = text.slice(first, raw.end);
      if (lookingForDirectives) {
        const m = DIRECTIVE.exec(lineText);
        if (m?.[1] && m[2] !== undefined && KNOWN_DIRECTIVES.has(m[1].toLowerCase())) {
          const name = m[1].toLowerCase();
          if (!directives.some((d) => d.name === name)) {
            directives.push({ name, value: m[2], span: { start: first, end: raw.end } });
            if (name === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
            continue;
          }
        }
        lookingForDirectives = false;
      }
      const comment: Comment = { text: lineText.slice(1).trim(), span: { start: first, end: raw.end }, line: lineOf(first) };
      comments.push(comment);
      pendingComments.push(comment);
      continue;
    }
    lookingForDirectives = false;
    const instruction = readInstruction(text, reader, raw, first, escape, lineOf(first), comments, lineOf);
    instruction.leadingComments = pendingComments;
    pendingComments = [];
    if (instruction.keyword === 'FROM') {
      stages.push(makeStage(instruction, stages.length));
    }
    instruction.stage = stages.length - 1;
    if (instruction.trigger) instruction.trigger.stage = instruction.stage;
    const stage = stages[stages.length - 1];
    if (stage && instruction.keyword !== 'FROM') stage.instructions.push(instruction);
    instructions.push(instruction);
  }
  return { text, escape, directives, comments, instructions, stages, lineStarts };
}

/** Reads one instruction starting at `raw` (whose first non-blank character is at `first`). */
/** An instruction with its identity set and its argument fields still empty, for parseArguments to fill. */
function newInstruction(fields: Pick<Instruction, 'keyword' | 'keywordSpan' | 'span' | 'line' | 'args' | 'argsMap' | 'stage'>): Instruction {
  // Written out, not spread: every instruction then has one shape, which keeps property reads fast.
  return {
    keyword: fields.keyword,
    keywordSpan: fields.keywordSpan,
    span: fields.span,
    line: fields.line,
    args: fields.args,
    argsMap: fields.argsMap,
    flags: [],
    rest: '',
    restOffset: 0,
    words: [],
    json: undefined,
    heredocs: [],
    stage: fields.stage,
    trigger: undefined,
    leadingComments: [],
  };
}

function readInstruction(
  text: string,
  reader: LineReader,
  raw: RawLine,
  first: number,
  escape: string,
  lineNo: number,
  comments: Comment[],
  lineOf: (offset: number) => number,
): Instruction {
  // The keyword runs to the first whitespace.
  let k = first;
  while (k < raw.end && text.charCodeAt(k) !== 32 && text.charCodeAt(k) !== 9) k++;
  let keywordEnd = k;
  // A keyword directly followed by the escape character and a line break (`RUN\`) still ends there.
  if (keywordEnd === raw.end && keywordEnd > first && text[keywordEnd - 1] === escape) keywordEnd--;
  const keyword = text.slice(first, keywordEnd).toUpperCase();

  // Join continuation lines into one logical argument string, remembering where each character came from.
  const parts: string[] = [];
  let argsLength = 0;
  const argsMap: Array<[number, number]> = [];
  let lineStart = keywordEnd;
  let lineEnd = raw.end;
  let spanEnd = raw.end;
  for (;;) {
    const contentEnd = trimEnd(text, lineStart, lineEnd);
    const continued = contentEnd > lineStart && text[contentEnd - 1] === escape;
    const segmentEnd = continued ? contentEnd - 1 : lineEnd;
    argsMap.push([argsLength, lineStart]);
    parts.push(text.slice(lineStart, segmentEnd));
    argsLength += segmentEnd - lineStart;
    if (!continued) break;
    // Skip comment lines and blank lines inside a continuation.
    let nextLine: RawLine | undefined;
    while (!reader.done) {
      const candidate = reader.peek();
      const nb = firstNonBlank(text, candidate.start, candidate.end);
      if (nb >= candidate.end) {
        reader.read();
        continue;
      }
      if (text.charCodeAt(nb) === 35) {
        reader.read();
        comments.push({ text: text.slice(nb + 1, candidate.end).trim(), span: { start: nb, end: candidate.end }, line: lineOf(nb) });
        continue;
      }
      nextLine = reader.read();
      break;
    }
    if (!nextLine) break;
    lineStart = nextLine.start;
    lineEnd = nextLine.end;
    spanEnd = nextLine.end;
  }
  const args = parts.length === 1 ? (parts[0] ?? '') : parts.join('');

  // Leading whitespace of the arguments is not part of them.
  let restStart = 0;
  while (restStart < args.length && (args[restStart] === ' ' || args[restStart] === '\t')) restStart++;
  const instruction = newInstruction({ keyword, keywordSpan: { start: first, end: keywordEnd }, span: { start: first, end: spanEnd }, line: lineNo, args, argsMap, stage: -1 });
  parseArguments(instruction, restStart);

  if (HEREDOC_INSTRUCTIONS.has(keyword)) {
    readHeredocs(text, reader, instruction);
  }
  if (keyword === 'ONBUILD') {
    const trigger = parseTrigger(instruction);
    instruction.trigger = trigger;
    // BuildKit allows heredocs in ONBUILD triggers too: their bodies belong to the ONBUILD.
    if (trigger && HEREDOC_INSTRUCTIONS.has(trigger.keyword)) {
      trigger.span = { ...instruction.span };
      readHeredocs(text, reader, trigger);
      instruction.span = { start: instruction.span.start, end: trigger.span.end };
    }
  }
  return instruction;
}

function parseArguments(instruction: Instruction, from: number): void {
  const { args, keyword } = instruction;
  let i = from;
  if (FLAG_INSTRUCTIONS.has(keyword)) {
    for (;;) {
      if (!(args[i] === '-' && args[i + 1] === '-')) break;
      let j = i;
      let quote: string | undefined;
      while (j < args.length) {
        const c = args[j];
        if (quote) {
          if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") {
          quote = c;
        } else if (c === ' ' || c === '\t') {
          break;
        }
        j++;
      }
      const token = args.slice(i, j);
      const eq = token.indexOf('=');
      const name = (eq === -1 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
      const flag: Flag = {
        name,
        value: eq === -1 ? undefined : token.slice(eq + 1),
        span: toSource(instruction, i, j),
        nameSpan: toSource(instruction, i, eq === -1 ? j : i + eq),
        valueSpan: eq === -1 ? undefined : toSource(instruction, i + eq + 1, j),
      };
      instruction.flags.push(flag);
      i = j;
      while (i < args.length && (args[i] === ' ' || args[i] === '\t')) i++;
      // HEALTHCHECK flags precede CMD; stop at the first word that is not a flag.
    }
  }
  instruction.restOffset = i;
  instruction.rest = trimTrailing(args.slice(i));
  instruction.words = splitWords(instruction, i);
  const trimmed = instruction.rest;
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((v) => typeof v === 'string')) {
        instruction.json = { values: parsed, span: toSource(instruction, i, i + trimmed.length) };
      }
    } catch {
      // Not JSON: Docker runs it in shell form.
    }
  }
}

function trimTrailing(s: string): string {
  let e = s.length;
  while (e > 0 && (s[e - 1] === ' ' || s[e - 1] === '\t')) e--;
  return s.slice(0, e);
}

function splitWords(instruction: Instruction, from: number): Word[] {
  const { args } = instruction;
  const words: Word[] = [];
  let i = from;
  while (i < args.length) {
    while (i < args.length && (args[i] === ' ' || args[i] === '\t')) i++;
    if (i >= args.length) break;
    const start = i;
    let quote: string | undefined;
    while (i < args.length) {
      const c = args[i];
      if (quote) {
        if (c === '\\' && quote === '"' && i + 1 < args.length) i++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (c === ' ' || c === '\t') {
        break;
      }
      i++;
    }
    words.push({ value: args.slice(start, i), span: toSource(instruction, start, i), argsStart: start, argsEnd: i });
  }
  return words;
}

/** BuildKit's test for a heredoc word: optional fd digits, `<<`, optional `-`, and a name without `<`. */
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]+)$/;

function readHeredocs(text: string, reader: LineReader, instruction: Instruction): void {
  if (!instruction.rest.includes('<<')) return;
  // Words are split quote-aware, so a `<<` inside a quoted string is no heredoc.
  for (const word of instruction.words) {
    const m = HEREDOC_WORD.exec(word.value);
    if (!m?.[3]) continue;
    let name = m[3];
    const quote = name[0];
    const quoted = (quote === '"' || quote === "'") && name.length >= 2 && name.endsWith(quote);
    if (quoted) name = name.slice(1, -1);
    if (!name) continue;
    const stripTabs = m[2] === '-';
    const bodyStart = reader.pos;
    let bodyEnd = bodyStart;
    let delimiterSpan: Span | undefined;
    while (!reader.done) {
      const line = reader.read();
      let s = line.start;
      if (stripTabs) while (s < line.end && text.charCodeAt(s) === 9) s++;
      if (text.slice(s, line.end) === name) {
        delimiterSpan = { start: line.start, end: line.end };
        break;
      }
      bodyEnd = line.next;
    }
    const bodySpan = { start: bodyStart, end: Math.max(bodyStart, bodyEnd) };
    instruction.heredocs.push({
      name,
      stripTabs,
      quoted,
      markerSpan: word.span,
      bodySpan,
      body: text.slice(bodySpan.start, bodySpan.end),
      delimiterSpan,
    });
    instruction.span = { start: instruction.span.start, end: delimiterSpan ? delimiterSpan.end : Math.max(instruction.span.end, bodySpan.end) };
  }
}

function parseTrigger(onbuild: Instruction): Instruction | undefined {
  const { rest, restOffset } = onbuild;
  if (!rest) return undefined;
  let k = 0;
  while (k < rest.length && rest[k] !== ' ' && rest[k] !== '\t') k++;
  const keyword = rest.slice(0, k).toUpperCase();
  const shift = restOffset + k;
  const args = onbuild.args.slice(shift);
  // Re-base the parent's segments onto the trigger's own text.
  const map: Array<[number, number]> = [[0, argsOffsetToSource(onbuild, shift)]];
  for (const [argsStart, sourceStart] of onbuild.argsMap) {
    if (argsStart > shift) map.push([argsStart - shift, sourceStart]);
  }
  const trigger = newInstruction({ keyword, keywordSpan: toSource(onbuild, restOffset, restOffset + k), span: onbuild.span, line: onbuild.line, args, argsMap: map, stage: onbuild.stage });

  let from = 0;
  while (from < args.length && (args[from] === ' ' || args[from] === '\t')) from++;
  parseArguments(trigger, from);
  return trigger;
}

function makeStage(from: Instruction, index: number): Stage {
  const words = from.words;
  const image = words[0];
  const asWord = words[1];
  const nameWord = words[2];
  const named = asWord !== undefined && asWord.value.toLowerCase() === 'as' && nameWord !== undefined;
  const platform = from.flags.find((f) => f.name === 'platform')?.value;
  return {
    index,
    from,
    image: image?.value ?? '',
    imageSpan: image?.span ?? from.keywordSpan,
    name: named ? nameWord.value.toLowerCase() : undefined,
    nameSpan: named ? nameWord.span : undefined,
    platform,
    instructions: [],
  };
}
