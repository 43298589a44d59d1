/**
 * What the cursor is in, for Berth's own Dockerfile completions, and which names are in scope
 * there. Pure: it works on Berth's fast parser (src/lint/dockerfile.ts) and file offsets, with no
 * `vscode` import, so the editor glue only converts positions.
 *
 * Scope follows BuildKit:
 * - ARGs before the first FROM are global: usable in FROM lines (and in later global ARGs), not in
 *   stages unless a stage redeclares them. The automatic platform ARGs live in the global scope too.
 * - Inside a stage, the stage's ARG and ENV declarations before the current instruction apply, plus
 *   the ENV of a parent stage (`FROM base`, where `base` is an earlier stage). The predefined proxy
 *   ARGs reach RUN without a declaration.
 */
import type { Instruction, ParsedDockerfile, Span, Stage } from '../lint/dockerfile';

export interface StageRef {
  /** The name as written, or the stage's index for an unnamed stage. */
  name: string;
  index: number;
  named: boolean;
  /** The stage's base image as written. */
  image: string;
}

export type VariableSource = 'ARG' | 'ENV' | 'platform' | 'proxy';

export interface VariableRef {
  name: string;
  source: VariableSource;
  /** Where the declaration applies from: the global scope, this stage, or a parent stage (ENV only). */
  scope: 'global' | 'stage' | 'parent';
  /** The default or value as written (quotes removed), when there is one. */
  value: string | undefined;
  /** 0-based line of the declaration; undefined for predefined ARGs. */
  line: number | undefined;
}

export type CursorContext =
  /** The image of a FROM line: engine images and earlier stages. */
  | { kind: 'fromImage'; prefix: string; replace: Span; stages: StageRef[] }
  /** `COPY --from=` or `RUN --mount=…,from=`: earlier stages and engine images. */
  | { kind: 'buildSource'; prefix: string; replace: Span; stages: StageRef[] }
  /** After `$` or `${`: declared variables in scope. */
  | { kind: 'variable'; brace: boolean; prefix: string; replace: Span; variables: VariableRef[] }
  | { kind: 'none' };

/** BuildKit defines these in the global scope of every build. */
export const PLATFORM_ARGS: readonly string[] = ['BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT', 'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT'];
/** Predefined ARGs that RUN sees without an ARG instruction. */
export const PROXY_ARGS: readonly string[] = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy'];

const NONE: CursorContext = { kind: 'none' };
const VARIABLE_BEFORE_CURSOR = /\$(\{)?([A-Za-z_][A-Za-z0-9_]*)?$/;
const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The instruction whose text (after its keyword) holds `offset`, counting the end of its last line. */
export function instructionAt(parsed: ParsedDockerfile, offset: number): Instruction | undefined {
  const list = parsed.instructions;
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = list[mid];
    if (candidate && candidate.keywordSpan.start <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const instruction = list[found];
  return instruction && offset <= instruction.span.end ? instruction : undefined;
}

export function cursorContext(parsed: ParsedDockerfile, offset: number): CursorContext {
  const { text } = parsed;
  const outer = instructionAt(parsed, offset);
  if (!outer || offset <= outer.keywordSpan.end) return NONE;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  if (/^[ \t]*#/.test(before)) return NONE;

  const variable = variableContext(parsed, outer, before, offset);
  if (variable) return variable;

  // ONBUILD COPY --from=… is a COPY for our purposes.
  const instruction = outer.keyword === 'ONBUILD' && outer.trigger && offset > outer.trigger.keywordSpan.end ? outer.trigger : outer;
  if (instruction.keyword === 'FROM' && instruction === outer) return fromImageContext(parsed, instruction, offset);
  if (instruction.keyword === 'COPY') return copyFromContext(parsed, instruction, offset);
  if (instruction.keyword === 'RUN') return mountFromContext(parsed, instruction, offset);
  return NONE;
}

function variableContext(parsed: ParsedDockerfile, instruction: Instruction, before: string, offset: number): CursorContext | undefined {
  const m = VARIABLE_BEFORE_CURSOR.exec(before);
  if (!m) return undefined;
  const dollar = offset - m[0].length;
  if (dollar > 0 && parsed.text[dollar - 1] === parsed.escape) return undefined;
  const brace = m[1] !== undefined;
  let end = offset;
  while (end < parsed.text.length && IDENTIFIER_CHAR.test(parsed.text[end] ?? '')) end++;
  if (brace && parsed.text[end] === '}') end++;
  return { kind: 'variable', brace, prefix: m[2] ?? '', replace: { start: dollar, end }, variables: variablesInScope(parsed, instruction) };
}

/** The word of `instruction` under `offset`, or an empty span at `offset` in whitespace. */
function wordAt(parsed: ParsedDockerfile, instruction: Instruction, offset: number): { index: number; span: Span } | undefined {
  let index = 0;
  for (const word of instruction.words) {
    if (word.span.start <= offset && offset <= word.span.end) return { index, span: word.span };
    if (word.span.end < offset) index++;
  }
  // In whitespace: a new word, unless the cursor is inside the flags.
  if (instruction.flags.some((f) => f.span.start <= offset && offset <= f.span.end)) return undefined;
  return { index, span: { start: offset, end: offset } };
}

function singleLine(parsed: ParsedDockerfile, span: Span): boolean {
  return !parsed.text.slice(span.start, span.end).includes('\n');
}

function fromImageContext(parsed: ParsedDockerfile, from: Instruction, offset: number): CursorContext {
  const word = wordAt(parsed, from, offset);
  if (!word || word.index !== 0 || !singleLine(parsed, word.span)) return NONE;
  const prefix = parsed.text.slice(word.span.start, offset);
  if (prefix.startsWith('-')) return NONE;
  const stageIndex = from.stage;
  return { kind: 'fromImage', prefix, replace: word.span, stages: stagesBefore(parsed, stageIndex, true) };
}

function copyFromContext(parsed: ParsedDockerfile, copy: Instruction, offset: number): CursorContext {
  const flag = copy.flags.find((f) => f.name === 'from' && f.valueSpan && f.valueSpan.start <= offset && offset <= f.valueSpan.end);
  if (!flag?.valueSpan || !singleLine(parsed, flag.valueSpan)) return NONE;
  return {
    kind: 'buildSource',
    prefix: parsed.text.slice(flag.valueSpan.start, offset),
    replace: flag.valueSpan,
    stages: stagesBefore(parsed, copy.stage, false),
  };
}

function mountFromContext(parsed: ParsedDockerfile, run: Instruction, offset: number): CursorContext {
  const flag = run.flags.find((f) => f.name === 'mount' && f.valueSpan && f.valueSpan.start <= offset && offset <= f.valueSpan.end);
  if (!flag?.valueSpan || !singleLine(parsed, flag.valueSpan)) return NONE;
  // The mount options are comma-separated key=value pairs; find the one under the cursor.
  const value = parsed.text.slice(flag.valueSpan.start, flag.valueSpan.end);
  const at = offset - flag.valueSpan.start;
  const segmentStart = value.lastIndexOf(',', at - 1) + 1;
  const comma = value.indexOf(',', at);
  const segmentEnd = comma === -1 ? value.length : comma;
  const segment = value.slice(segmentStart, segmentEnd);
  if (!/^from=/i.test(segment) || at < segmentStart + 5) return NONE;
  const replace = { start: flag.valueSpan.start + segmentStart + 5, end: flag.valueSpan.start + segmentEnd };
  return { kind: 'buildSource', prefix: parsed.text.slice(replace.start, offset), replace, stages: stagesBefore(parsed, run.stage, false) };
}

/**
 * The stages before stage `stageIndex` that can be referenced there. FROM takes only named stages;
 * COPY --from and mounts also take an unnamed stage's index.
 */
export function stagesBefore(parsed: ParsedDockerfile, stageIndex: number, namedOnly: boolean): StageRef[] {
  const refs: StageRef[] = [];
  for (const stage of parsed.stages) {
    if (stage.index >= stageIndex) break;
    const name = stageNameAsWritten(parsed, stage);
    if (name !== undefined) refs.push({ name, index: stage.index, named: true, image: stage.image });
    else if (!namedOnly) refs.push({ name: String(stage.index), index: stage.index, named: false, image: stage.image });
  }
  return refs;
}

function stageNameAsWritten(parsed: ParsedDockerfile, stage: Stage): string | undefined {
  return stage.nameSpan ? parsed.text.slice(stage.nameSpan.start, stage.nameSpan.end) : undefined;
}

// ---- Variables ----

/** The declarations an ARG or ENV instruction makes, in order. */
export function declarations(instruction: Instruction): Array<{ name: string; value: string | undefined }> {
  const out: Array<{ name: string; value: string | undefined }> = [];
  const words = instruction.words;
  if (instruction.keyword === 'ENV' && words[0] && !words[0].value.includes('=')) {
    // Legacy `ENV NAME value with spaces`.
    const name = words[0].value;
    const value = instruction.rest.slice(instruction.rest.indexOf(name) + name.length).trim();
    if (VARIABLE_NAME.test(name)) out.push({ name, value: unquote(value) });
    return out;
  }
  for (const word of words) {
    const eq = word.value.indexOf('=');
    const name = eq === -1 ? word.value : word.value.slice(0, eq);
    if (!VARIABLE_NAME.test(name)) continue;
    if (instruction.keyword === 'ENV' && eq === -1) continue;
    out.push({ name, value: eq === -1 ? undefined : unquote(word.value.slice(eq + 1)) });
  }
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) return value.slice(1, -1);
  return value;
}

/**
 * The variables usable in `instruction` (which must be one of `parsed.instructions`), latest
 * declaration first-class: a later declaration of a name replaces an earlier one.
 */
export function variablesInScope(parsed: ParsedDockerfile, instruction: Instruction): VariableRef[] {
  const found = new Map<string, VariableRef>();
  const add = (ref: VariableRef): void => {
    found.delete(ref.name);
    found.set(ref.name, ref);
  };
  const globals = globalArgs(parsed, instruction);
  if (instruction.keyword === 'FROM' || instruction.stage < 0) {
    for (const name of PLATFORM_ARGS) add({ name, source: 'platform', scope: 'global', value: undefined, line: undefined });
    for (const ref of globals) add(ref);
    return orderVariables([...found.values()]);
  }
  if (instruction.keyword === 'RUN' || (instruction.keyword === 'ONBUILD' && instruction.trigger?.keyword === 'RUN')) {
    for (const name of PROXY_ARGS) add({ name, source: 'proxy', scope: 'stage', value: undefined, line: undefined });
  }
  const stage = parsed.stages[instruction.stage];
  if (stage) {
    for (const ref of inheritedEnv(parsed, stage, new Set())) add(ref);
    const globalValues = new Map(globals.map((g) => [g.name, g.value]));
    for (const earlier of stage.instructions) {
      if (earlier.span.start >= instruction.span.start) break;
      if (earlier.keyword !== 'ARG' && earlier.keyword !== 'ENV') continue;
      for (const d of declarations(earlier)) {
        // `ARG NAME` in a stage brings the global's default into it.
        const value = d.value ?? (earlier.keyword === 'ARG' ? globalValues.get(d.name) : undefined);
        add({ name: d.name, source: earlier.keyword, scope: 'stage', value, line: earlier.line });
      }
    }
  }
  return orderVariables([...found.values()]);
}

function globalArgs(parsed: ParsedDockerfile, before: Instruction): VariableRef[] {
  const refs: VariableRef[] = [];
  for (const instruction of parsed.instructions) {
    if (instruction.stage >= 0 || instruction.span.start >= before.span.start) break;
    if (instruction.keyword !== 'ARG') continue;
    for (const d of declarations(instruction)) refs.push({ name: d.name, source: 'ARG', scope: 'global', value: d.value, line: instruction.line });
  }
  return refs;
}

/** ENV set in the stage this stage is built FROM (and its parents), which the new stage inherits. */
function inheritedEnv(parsed: ParsedDockerfile, stage: Stage, seen: Set<number>): VariableRef[] {
  const baseName = stage.image.toLowerCase();
  const parent = parsed.stages.find((s) => s.index < stage.index && s.name !== undefined && s.name === baseName);
  if (!parent || seen.has(parent.index)) return [];
  seen.add(parent.index);
  const refs = inheritedEnv(parsed, parent, seen);
  for (const instruction of parent.instructions) {
    if (instruction.keyword !== 'ENV') continue;
    for (const d of declarations(instruction)) refs.push({ name: d.name, source: 'ENV', scope: 'parent', value: d.value, line: instruction.line });
  }
  return refs;
}

const SOURCE_ORDER: Record<VariableSource, number> = { ENV: 0, ARG: 0, platform: 1, proxy: 2 };

/** Declared names first (most recent first), then the predefined ones in their usual order. */
function orderVariables(refs: VariableRef[]): VariableRef[] {
  return refs
    .map((ref, i) => ({ ref, i }))
    .sort((a, b) => SOURCE_ORDER[a.ref.source] - SOURCE_ORDER[b.ref.source] || (a.ref.line !== undefined && b.ref.line !== undefined ? b.ref.line - a.ref.line : a.i - b.i))
    .map(({ ref }) => ref);
}

// ---- Rename ----

export type RenameKind = 'stage' | 'variable';

/** Whether the name under `offset` is a build stage reference or (otherwise) a variable. */
export function renameKindAt(parsed: ParsedDockerfile, offset: number): RenameKind {
  const inside = (span: Span | undefined): boolean => span !== undefined && span.start <= offset && offset <= span.end;
  const stageNames = new Set(parsed.stages.map((s) => s.name).filter((n): n is string => n !== undefined));
  for (const stage of parsed.stages) {
    if (inside(stage.nameSpan)) return 'stage';
    if (stageNames.has(stage.image.toLowerCase()) && inside(stage.imageSpan)) return 'stage';
  }
  const instruction = instructionAt(parsed, offset);
  const target = instruction?.keyword === 'ONBUILD' && instruction.trigger ? instruction.trigger : instruction;
  if (target?.keyword === 'COPY' && target.flags.some((f) => f.name === 'from' && inside(f.valueSpan))) return 'stage';
  if (target?.keyword === 'RUN' && target.flags.some((f) => f.name === 'mount' && inside(f.valueSpan))) {
    const context = mountFromContext(parsed, target, offset);
    if (context.kind === 'buildSource') return 'stage';
  }
  return 'variable';
}

/** BuildKit's rule for stage names, and the shell's for variable names. */
export function isValidName(kind: RenameKind, name: string): boolean {
  return kind === 'stage' ? /^[A-Za-z][A-Za-z0-9_.-]*$/.test(name) : VARIABLE_NAME.test(name);
}
