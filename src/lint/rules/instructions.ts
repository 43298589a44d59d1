/**
 * Instruction-level rules: FROM, USER, WORKDIR, COPY/ADD, CMD/ENTRYPOINT, ENV/ARG, EXPOSE, stages.
 * They read the parsed instructions; none of them looks inside RUN scripts.
 */
import type { Flag, Instruction, ParsedDockerfile, Span, Stage } from '../dockerfile';
import { toSource } from '../dockerfile';
import { collectPragmas } from '../pragmas';
import type { Fix, Rule, RuleContext } from '../types';
import { instructionsOf, parentStage, stageChain } from './util';

// ---------------------------------------------------------------------------------------------
// Small helpers over an instruction's own arguments.

/** A word of an instruction's arguments, with its offsets in the logical `args` text. */
interface ArgWord {
  /** As written, quotes kept. */
  raw: string;
  /** Quotes removed and escapes resolved, as Docker would see it. */
  value: string;
  start: number;
  end: number;
}

/** Removes Dockerfile quoting from a word: `"a b"` → `a b`, `'x'` → `x`, `a\ b` → `a b`. */
function unquote(raw: string, escape: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (quote === '"') {
      if (c === escape && i + 1 < raw.length && ['"', escape, '$'].includes(raw[i + 1] ?? '')) out += raw[++i] ?? '';
      else if (c === '"') quote = undefined;
      else out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === escape && i + 1 < raw.length) {
      out += raw[++i] ?? '';
    } else {
      out += c;
    }
  }
  return out;
}

/** The words after the flags, unquoted, with their `args` offsets. */
function argWords(instruction: Instruction, escape: string): ArgWord[] {
  return instruction.words.map((w) => ({ raw: w.value, value: unquote(w.value, escape), start: w.argsStart, end: w.argsEnd }));
}

function jsonWords(instruction: Instruction): ArgWord[] | undefined {
  const json = instruction.json;
  if (!json) return undefined;
  const { args } = instruction;
  const words: ArgWord[] = [];
  const end = instruction.restOffset + instruction.rest.length;
  let i = instruction.restOffset;
  for (const value of json.values) {
    while (i < end && args[i] !== '"') i++;
    const start = i;
    i++;
    while (i < end && args[i] !== '"') i += args[i] === '\\' ? 2 : 1;
    i++;
    words.push({ raw: args.slice(start, i), value, start, end: i });
  }
  return words;
}

/** COPY/ADD operands (sources then destination), in either form. */
function operands(instruction: Instruction, escape: string): ArgWord[] {
  return jsonWords(instruction) ?? argWords(instruction, escape);
}

function spanOf(instruction: Instruction, word: ArgWord): Span {
  return toSource(instruction, word.start, word.end);
}

/** The file span of everything after the flags. */
function restSpan(instruction: Instruction): Span {
  return toSource(instruction, instruction.restOffset, instruction.restOffset + instruction.rest.length);
}

function flag(instruction: Instruction, name: string): Flag | undefined {
  return instruction.flags.find((f) => f.name === name);
}

function flagValue(f: Flag, escape: string): string {
  return unquote(f.value ?? '', escape);
}

/** Instructions written directly in a stage (ONBUILD triggers excluded: they run in other builds). */
function direct(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

function isVariable(value: string): boolean {
  return value.includes('$');
}

/** An image reference split into registry, repository path, tag and digest. */
interface ImageRef {
  registry: string | undefined;
  path: string;
  tag: string | undefined;
  /** Offset of the tag (after `:`) within the reference. */
  tagOffset: number;
  digest: string | undefined;
}

function parseImage(ref: string): ImageRef {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf('/');
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    // Docker's rule: the first component is a registry when it looks like a host.
    if (first.includes('.') || first.includes(':') || first === 'localhost') registry = first;
  }
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  const tag = colon === -1 ? undefined : rest.slice(colon + 1);
  const path = colon === -1 ? rest : rest.slice(0, colon);
  return { registry, path: registry ? path.slice(registry.length + 1) : path, tag, tagOffset: colon + 1, digest };
}

/** True when `image` names an earlier stage (so it has no registry or tag of its own). */
function isEarlierStage(file: ParsedDockerfile, stage: Stage): boolean {
  return parentStage(file, stage) !== undefined;
}

/** `root`, `0`, `root:…`, `0:…`. */
function isRootUser(value: string): boolean {
  const user = value.split(':')[0] ?? '';
  return user === 'root' || user === '0';
}

/** `key=value` pairs of ENV/LABEL/ARG; the legacy `ENV key value` form is one pair. */
export interface Pair {
  name: string;
  nameStart: number;
  nameEnd: number;
  /** The value as written (quotes kept), undefined for `ARG name`. */
  value: string | undefined;
  valueStart: number;
}

/** The NAME=value pairs of ENV/LABEL/ARG (`legacy`: the one-pair `ENV NAME value` form counts). */
export function pairs(instruction: Instruction, escape: string, legacy: boolean): Pair[] {
  const words = argWords(instruction, escape);
  const first = words[0];
  if (!first) return [];
  if (legacy && !first.raw.includes('=')) {
    const second = words[1];
    const value = second ? instruction.args.slice(second.start, instruction.restOffset + instruction.rest.length) : '';
    return [{ name: first.raw, nameStart: first.start, nameEnd: first.end, value, valueStart: second?.start ?? first.end }];
  }
  return words.map((w) => {
    const eq = w.raw.indexOf('=');
    if (eq === -1) return { name: w.raw, nameStart: w.start, nameEnd: w.end, value: undefined, valueStart: w.end };
    return { name: w.raw.slice(0, eq), nameStart: w.start, nameEnd: w.start + eq, value: w.raw.slice(eq + 1), valueStart: w.start + eq + 1 };
  });
}

/** Variable references (`$X`, `${X}`, `${X:-d}`) in a Dockerfile value, outside single quotes and escapes. */
function variableRefs(value: string, escape: string): Array<{ name: string; start: number; end: number }> {
  const refs: Array<{ name: string; start: number; end: number }> = [];
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === escape) {
      i++;
      continue;
    }
    if (c === '"') {
      quote = quote === '"' ? undefined : '"';
      continue;
    }
    if (c === "'" && !quote) {
      quote = "'";
      continue;
    }
    if (c !== '$') continue;
    const braced = value[i + 1] === '{';
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(i + (braced ? 2 : 1)));
    if (!m) continue;
    let end = i + (braced ? 2 : 1) + m[0].length;
    if (braced) {
      const close = value.indexOf('}', end);
      end = close === -1 ? value.length : close + 1;
    }
    refs.push({ name: m[0], start: i, end });
    i = end - 1;
  }
  return refs;
}

// ---------------------------------------------------------------------------------------------
// The rules.

export const DL1001: Rule = {
  code: 'DL1001',
  severity: 'ignore',
  message: 'Avoid inline `# hadolint` pragmas; configure the rule in .hadolint.yaml instead.',
  explanation:
    'Inline pragmas switch rules off (or change the shell) one spot at a time, where reviewers rarely notice them. Teams that want every exception in one reviewed place turn this rule on and move them to `.hadolint.yaml`.',
  check(context) {
    for (const span of collectPragmas(context.file).pragmaComments) context.report({ span: { start: span.start, end: span.end } });
  },
};

export const DL3000: Rule = {
  code: 'DL3000',
  severity: 'error',
  message: 'Use an absolute WORKDIR.',
  explanation:
    'A relative WORKDIR is resolved against whatever the previous WORKDIR was, possibly one set in the base image, so where files end up depends on things outside this Dockerfile. Give the full path, e.g. `WORKDIR /app`.',
  check(context) {
    for (const workdir of instructionsOf(context.file, 'WORKDIR')) {
      if (!workdir.rest) continue;
      const path = unquote(workdir.rest, context.file.escape);
      // Variables may hold an absolute path; Windows paths start with a drive letter (check as written too).
      if (isAbsolutePath(path) || isAbsolutePath(workdir.rest)) continue;
      context.report({ span: restSpan(workdir), message: `Use an absolute WORKDIR: \`${path}\` is relative.` });
    }
  },
};

export const DL3002: Rule = {
  code: 'DL3002',
  severity: 'warning',
  message: 'Do not leave root as the last USER: switch to an unprivileged user.',
  explanation:
    'The last USER of the final stage is the user the container runs as. Running as root means a compromised process owns the whole container and has a head start on escaping it. Create a user and end with `USER <name>` (or a numeric UID).',
  check(context) {
    const final = context.file.stages[context.file.stages.length - 1];
    if (!final) return;
    for (const stage of stageChain(context.file, final)) {
      const users = direct(stage, 'USER');
      const last = users[users.length - 1];
      if (!last) continue;
      const value = unquote(last.words[0]?.value ?? '', context.file.escape);
      // Only report a USER in this file; an inherited one is reported where it is written.
      if (isRootUser(value)) context.report({ span: restSpan(last), message: `Do not leave root as the last USER: \`${value}\` is root.` });
      return;
    }
  },
};

export const DL3006: Rule = {
  code: 'DL3006',
  severity: 'warning',
  message: 'Tag the image explicitly, e.g. `FROM debian:12`.',
  explanation:
    'Without a tag Docker pulls `latest`, which moves whenever the publisher pushes, so the same Dockerfile builds different images over time. Name a tag (or a digest) so builds are repeatable and upgrades are deliberate.',
  check(context) {
    for (const stage of context.file.stages) {
      const image = stage.image;
      if (!image || image.toLowerCase() === 'scratch' || isVariable(image) || isEarlierStage(context.file, stage)) continue;
      const ref = parseImage(unquote(image, context.file.escape));
      if (ref.tag !== undefined || ref.digest !== undefined) continue;
      context.report({ span: stage.imageSpan, message: `Tag the image explicitly: \`${image}\` has no tag.` });
    }
  },
};

export const DL3007: Rule = {
  code: 'DL3007',
  severity: 'warning',
  message: 'Do not use the `latest` tag: pin a version.',
  explanation:
    '`latest` is just the tag most recently pushed; it changes under you, so rebuilds silently pick up new major versions. Pin a specific version tag (ideally with a digest) and update it on purpose.',
  check(context) {
    for (const stage of context.file.stages) {
      const image = stage.image;
      if (isVariable(image) || isEarlierStage(context.file, stage)) continue;
      const ref = parseImage(image);
      // A digest pins the image whatever the tag says.
      if (ref.tag !== 'latest' || ref.digest !== undefined) continue;
      const linear = stage.imageSpan.end - stage.imageSpan.start === image.length;
      const span = linear ? { start: stage.imageSpan.start + ref.tagOffset, end: stage.imageSpan.start + ref.tagOffset + 'latest'.length } : stage.imageSpan;
      context.report({ span });
    }
  },
};

export const DL3011: Rule = {
  code: 'DL3011',
  severity: 'error',
  message: 'Use a valid port number between 0 and 65535 in EXPOSE.',
  explanation: 'A TCP or UDP port is a 16-bit number, so EXPOSE only accepts 0–65535 (optionally `/tcp` or `/udp`, or a range `a-b`). Anything else makes the build fail or the metadata meaningless.',
  check(context) {
    for (const expose of instructionsOf(context.file, 'EXPOSE')) {
      for (const word of argWords(expose, context.file.escape)) {
        if (isVariable(word.value)) continue;
        const port = word.value.split('/')[0] ?? '';
        const numbers = port.split('-');
        const valid = numbers.length <= 2 && numbers.every((n) => /^\d+$/.test(n) && Number(n) <= 65535);
        if (!valid) context.report({ span: spanOf(expose, word), message: `Use a valid port number between 0 and 65535 in EXPOSE: \`${word.value}\` is not.` });
      }
    }
  },
};

export const DL3012: Rule = {
  code: 'DL3012',
  severity: 'error',
  message: 'Keep one HEALTHCHECK per stage: only the last one takes effect.',
  explanation: 'An image has a single health check; each HEALTHCHECK replaces the one before it. Several in one stage means all but the last are dead code, which usually hides a mistake. Keep the one you mean.',
  check(context) {
    for (const stage of context.file.stages) {
      for (const extra of direct(stage, 'HEALTHCHECK').slice(1)) context.report({ span: extra.keywordSpan });
    }
  },
};

/** Extensions ADD unpacks automatically when the source is a local file. */
const ARCHIVE_EXTENSIONS = ['.tar', '.tar.gz', '.tgz', '.tar.bz2', '.tbz', '.tbz2', '.tb2', '.tar.xz', '.txz', '.tar.zst', '.tzst', '.gz', '.bz2', '.xz', '.lz', '.lzma', '.tlz', '.z', '.tz', '.zst'];

function isUrlOrGit(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^git@/.test(source) || source.endsWith('.git');
}

function isArchive(source: string): boolean {
  const lower = source.toLowerCase();
  return ARCHIVE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export const DL3020: Rule = {
  code: 'DL3020',
  severity: 'error',
  message: 'Use COPY instead of ADD for files and folders.',
  explanation:
    'ADD also downloads URLs and unpacks local archives, so readers cannot tell at a glance what it will do. For plain files and folders COPY does the same job with no surprises; keep ADD for the cases that need its extra behaviour.',
  check(context) {
    for (const add of instructionsOf(context.file, 'ADD')) {
      // Flags that only make sense for remote sources.
      if (add.flags.some((f) => f.name === 'checksum' || f.name === 'keep-git-dir' || f.name === 'unpack')) continue;
      const sources = operands(add, context.file.escape).slice(0, -1);
      if (sources.length === 0) continue;
      if (sources.some((s) => isVariable(s.value) || isUrlOrGit(s.value) || isArchive(s.value))) continue;
      context.report({ span: add.keywordSpan, fixes: [{ title: 'Replace ADD with COPY', edits: [{ span: add.keywordSpan, newText: 'COPY' }] }] });
    }
  },
};

export const DL3021: Rule = {
  code: 'DL3021',
  severity: 'error',
  message: 'End the destination with `/` when COPY has more than one source.',
  explanation: 'With several sources Docker copies them into a folder, and requires the destination to say so by ending in `/`; otherwise the build fails. Add the trailing slash.',
  check(context) {
    for (const copy of instructionsOf(context.file, 'COPY')) {
      const words = operands(copy, context.file.escape);
      const dest = words[words.length - 1];
      if (words.length <= 2 || !dest || dest.value.endsWith('/')) continue;
      const span = spanOf(copy, dest);
      // Insert inside a closing quote, so `"/app"` becomes `"/app/"`.
      const quoted = dest.raw.endsWith('"') || dest.raw.endsWith("'");
      const at = quoted ? span.end - 1 : span.end;
      context.report({
        span,
        message: `End the destination with \`/\` when COPY has more than one source: \`${dest.value}/\`.`,
        fixes: [{ title: 'Add a trailing slash to the destination', edits: [{ span: { start: at, end: at }, newText: '/' }] }],
      });
    }
  },
};

/** COPY instructions written directly in a stage, with the stage. */
function* stageCopies(file: ParsedDockerfile): Generator<{ copy: Instruction; stage: Stage }> {
  for (const stage of file.stages) for (const copy of direct(stage, 'COPY')) yield { copy, stage };
}

export const DL3022: Rule = {
  code: 'DL3022',
  severity: 'warning',
  message: '`COPY --from` should name a stage defined earlier in the file.',
  explanation:
    '`--from` takes a stage name, a stage number or an image. A plain name that no earlier stage has is usually a typo or a stage defined further down (which Docker cannot use), and Docker then tries to pull an image of that name. Name an earlier `FROM … AS <name>`, or give a full image reference.',
  check(context) {
    const { file } = context;
    for (const { copy, stage } of stageCopies(file)) {
      const from = flag(copy, 'from');
      if (!from) continue;
      const value = flagValue(from, file.escape).toLowerCase();
      // Images (`nginx:1.27`, `ghcr.io/x/y`) and variables are not stage references.
      if (!value || isVariable(value) || /[:/@]/.test(value)) continue;
      if (/^\d+$/.test(value) ? Number(value) < stage.index : file.stages.some((s) => s.index < stage.index && s.name === value)) continue;
      if (value === stage.name || value === String(stage.index)) continue; // DL3023 says it better.
      context.report({ span: from.valueSpan ?? from.span, message: `\`COPY --from=${value}\` does not name a stage defined earlier in the file.` });
    }
  },
};

export const DL3023: Rule = {
  code: 'DL3023',
  severity: 'error',
  message: '`COPY --from` cannot name the stage it is in.',
  explanation: 'A stage cannot copy from itself: its filesystem is still being built. Copy from an earlier stage, or use a plain COPY from the build context.',
  check(context) {
    for (const { copy, stage } of stageCopies(context.file)) {
      const from = flag(copy, 'from');
      if (!from) continue;
      const value = flagValue(from, context.file.escape).toLowerCase();
      if ((stage.name !== undefined && value === stage.name) || value === String(stage.index)) context.report({ span: from.valueSpan ?? from.span });
    }
  },
};

export const DL3024: Rule = {
  code: 'DL3024',
  severity: 'error',
  message: 'Give each stage a unique name.',
  explanation: 'Stage names are how `COPY --from` and `--target` pick a stage; two stages with the same name (compared case-insensitively) make those references ambiguous and the build fails. Rename one of them.',
  check(context) {
    const seen = new Set<string>();
    for (const stage of context.file.stages) {
      if (stage.name === undefined || !stage.nameSpan) continue;
      if (seen.has(stage.name)) context.report({ span: stage.nameSpan, message: `Give each stage a unique name: \`${stage.name}\` is already used.` });
      seen.add(stage.name);
    }
  },
};

/** Shell builtins and keywords: a command starting with one of these needs a shell. */
const SHELL_ONLY = new Set(['cd', 'export', 'source', '.', 'exec', 'set', 'unset', 'ulimit', 'umask', 'eval', 'trap', 'alias', 'wait', 'shift', 'read', 'if', 'for', 'while', 'until', 'case', '{', '!', 'function']);

/**
 * Splits a shell-form command into the words `sh` would pass to the program. Returns `needsShell`
 * when the text uses anything beyond plain words and quoting (expansions, operators, globs,
 * redirections, assignments, builtins), and undefined when a quote is left open.
 */
export function splitShellWords(text: string): { words: string[]; needsShell: boolean } | undefined {
  const words: string[] = [];
  let needsShell = false;
  let word = '';
  let inWord = false;
  let i = 0;
  const specials = '|&;<>()*?[]{}`$~#';
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return undefined;
      word += text.slice(i + 1, close);
      inWord = true;
      i = close + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i] ?? '';
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1] ?? '')) {
          word += text[i + 1];
          i += 2;
          continue;
        }
        if (d === '$' || d === '`') needsShell = true;
        word += d;
        i++;
      }
      if (!closed) return undefined;
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < text.length) word += text[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    // `~` and `#` only matter at the start of a word, `=` in the first word (an assignment).
    if (specials.includes(c) && ((c !== '~' && c !== '#') || !inWord)) needsShell = true;
    if (c === '=' && words.length === 0) needsShell = true;
    word += c;
    inWord = true;
    i++;
  }
  if (inWord) words.push(word);
  if (words[0] !== undefined && SHELL_ONLY.has(words[0])) needsShell = true;
  return { words, needsShell };
}

function jsonArray(values: readonly string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
}

export const DL3025: Rule = {
  code: 'DL3025',
  severity: 'warning',
  message: 'Use JSON (exec) form for CMD and ENTRYPOINT, e.g. `CMD ["nginx", "-g", "daemon off;"]`.',
  explanation:
    'In shell form Docker runs the command as `/bin/sh -c "…"`: the shell becomes PID 1 and does not pass SIGTERM on, so `docker stop` waits and then kills the process, and an ENTRYPOINT ignores the arguments given to `docker run`. The JSON form runs the program directly. If you need shell features, write `["/bin/sh", "-c", "…"]` explicitly.',
  check(context) {
    for (const instruction of instructionsOf(context.file, 'CMD', 'ENTRYPOINT')) {
      if (instruction.json || !instruction.rest) continue;
      const span = restSpan(instruction);
      const fixes: Fix[] = [];
      const split = splitShellWords(instruction.rest);
      // A botched array (`['a', 'b']`) or a non-POSIX shell: no safe mechanical rewrite.
      const looksLikeArray = instruction.rest.startsWith('[');
      if (split && split.words.length > 0 && !looksLikeArray && context.isPosixShell(instruction)) {
        fixes.push(
          split.needsShell
            ? { title: 'Convert to JSON form (through /bin/sh -c, keeping the shell features)', edits: [{ span, newText: jsonArray(['/bin/sh', '-c', instruction.rest]) }] }
            : { title: 'Convert to JSON form', edits: [{ span, newText: jsonArray(split.words) }] },
        );
      }
      context.report({ span, message: `Use JSON (exec) form for ${instruction.keyword}.`, fixes });
    }
  },
};

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com']);

function registryAllowed(registry: string, trusted: readonly string[]): boolean {
  const normal = (r: string): string => (DOCKER_HUB.has(r.toLowerCase()) ? 'docker.io' : r.toLowerCase());
  const wanted = normal(registry);
  return trusted.some((t) => {
    const pattern = normal(t.trim());
    if (!pattern.includes('*')) return pattern === wanted;
    const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(wanted);
  });
}

export const DL3026: Rule = {
  code: 'DL3026',
  severity: 'error',
  message: 'Use base images only from the allowed registries.',
  explanation:
    'This project restricts where base images may come from (`trustedRegistries` in .hadolint.yaml or Berth\'s settings), so that builds only run code from registries you vet. Pull the image through one of the allowed registries, or add the registry to the list if it should be trusted. Images without a registry come from Docker Hub (`docker.io`).',
  check(context) {
    const trusted = context.config.trustedRegistries;
    if (trusted.length === 0) return;
    for (const stage of context.file.stages) {
      const image = unquote(stage.image, context.file.escape);
      if (!image || image.toLowerCase() === 'scratch' || isEarlierStage(context.file, stage)) continue;
      const ref = parseImage(image);
      const registry = ref.registry ?? 'docker.io';
      if (isVariable(registry) || (ref.registry === undefined && isVariable(image))) continue;
      if (registryAllowed(registry, trusted)) continue;
      context.report({ span: stage.imageSpan, message: `Use base images only from the allowed registries: \`${registry}\` is not one of ${trusted.join(', ')}.` });
    }
  },
};

export const DL3029: Rule = {
  code: 'DL3029',
  severity: 'warning',
  message: 'Do not pin a platform with `FROM --platform`.',
  explanation:
    'A fixed `--platform` forces that architecture even when building for another one, producing images that run under emulation or not at all. Leave it out and choose with `docker build --platform`; in cross-compiling stages use `--platform=$BUILDPLATFORM`.',
  check(context) {
    for (const from of instructionsOf(context.file, 'FROM')) {
      const platform = flag(from, 'platform');
      // `$BUILDPLATFORM` and friends are the intended use; DL3065 covers `$TARGETPLATFORM`.
      if (platform && !isVariable(platform.value ?? '')) context.report({ span: platform.span });
    }
  },
};

export const DL3043: Rule = {
  code: 'DL3043',
  severity: 'error',
  message: 'ONBUILD cannot trigger FROM, MAINTAINER or ONBUILD.',
  explanation: 'Docker refuses ONBUILD triggers that would start a new stage, chain another trigger, or set the deprecated MAINTAINER. Move the instruction out of ONBUILD (or, for MAINTAINER, use a LABEL).',
  check(context) {
    for (const onbuild of context.file.instructions) {
      const trigger = onbuild.trigger;
      if (onbuild.keyword === 'ONBUILD' && trigger && ['FROM', 'MAINTAINER', 'ONBUILD'].includes(trigger.keyword)) {
        context.report({ span: trigger.keywordSpan, message: `ONBUILD cannot trigger ${trigger.keyword}.` });
      }
    }
  },
};

export const DL3044: Rule = {
  code: 'DL3044',
  severity: 'error',
  message: 'Do not refer to a variable set in the same ENV instruction.',
  explanation:
    'Docker expands the values of one ENV before any of its assignments takes effect, so `ENV A=1 B=$A` gives B the old value of A (usually empty), not 1. Set the variable in an earlier ENV and refer to it in a later one.',
  check(context) {
    const escape = context.file.escape;
    for (const env of instructionsOf(context.file, 'ENV')) {
      const list = pairs(env, escape, true);
      const defined = new Set<string>();
      for (const pair of list) {
        for (const ref of pair.value === undefined ? [] : variableRefs(pair.value, escape)) {
          if (!defined.has(ref.name)) continue;
          context.report({
            span: toSource(env, pair.valueStart + ref.start, pair.valueStart + ref.end),
            message: `Do not refer to \`${ref.name}\` in the ENV that sets it: move it to an earlier ENV.`,
          });
        }
        defined.add(pair.name);
      }
    }
  },
};

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || isVariable(path) || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\');
}

export const DL3045: Rule = {
  code: 'DL3045',
  severity: 'warning',
  message: 'Set a WORKDIR before copying to a relative destination.',
  explanation:
    'A relative COPY destination is resolved against the working directory, which without a WORKDIR in this stage comes from the base image and can change with it. Set `WORKDIR` first, or use an absolute destination.',
  check(context) {
    const { file } = context;
    const hasWorkdir = new Map<number, boolean>();
    for (const stage of file.stages) {
      const parent = parentStage(file, stage);
      let workdir = parent ? (hasWorkdir.get(parent.index) ?? false) : false;
      for (const instruction of stage.instructions) {
        if (instruction.keyword === 'WORKDIR') workdir = true;
        if (instruction.keyword !== 'COPY' || workdir) continue;
        const words = operands(instruction, file.escape);
        const dest = words[words.length - 1];
        if (words.length < 2 || !dest || isAbsolutePath(dest.value)) continue;
        context.report({ span: spanOf(instruction, dest), message: `Set a WORKDIR before copying to the relative destination \`${dest.value}\`.` });
      }
      hasWorkdir.set(stage.index, workdir);
    }
  },
};

export const DL3057: Rule = {
  code: 'DL3057',
  severity: 'ignore',
  message: 'Add a HEALTHCHECK so the runtime can tell when the container is unhealthy.',
  explanation:
    'Without a HEALTHCHECK, Docker only knows whether the main process is running, not whether it still answers. A health check lets orchestrators restart or stop routing to a stuck container. Add one to the final stage (or `HEALTHCHECK NONE` to say it is deliberate).',
  check(context) {
    const final = context.file.stages[context.file.stages.length - 1];
    if (!final) return;
    for (const stage of stageChain(context.file, final)) if (direct(stage, 'HEALTHCHECK').length > 0) return;
    context.report({ span: final.from.keywordSpan });
  },
};

export const DL3061: Rule = {
  code: 'DL3061',
  severity: 'error',
  message: 'Start the Dockerfile with FROM (only ARG and comments may come before it).',
  explanation: 'Every build instruction belongs to a stage, and stages begin at FROM; only ARG (for variables used in FROM) and comments may precede the first one. Move this instruction after a FROM.',
  check(context) {
    const first = context.file.instructions.find((i) => i.stage === -1 && i.keyword !== 'ARG' && i.keyword !== 'FROM');
    if (!first) return;
    // A line of only the escape character has no keyword to name.
    context.report({ span: first.keywordSpan, message: first.keyword ? `Start the Dockerfile with FROM: \`${first.keyword}\` comes before any FROM.` : 'Start the Dockerfile with FROM: an instruction comes before any FROM.' });
  },
};

const RESERVED_STAGE_NAMES = new Set(['scratch', 'context']);

export const DL3063: Rule = {
  code: 'DL3063',
  severity: 'warning',
  message: 'Do not use a reserved word as a stage name.',
  explanation: '`scratch` already means the empty image and `context` the build context, so a stage with one of those names cannot be referred to reliably. Pick another name.',
  check(context) {
    for (const stage of context.file.stages) {
      if (stage.name !== undefined && stage.nameSpan && RESERVED_STAGE_NAMES.has(stage.name)) {
        context.report({ span: stage.nameSpan, message: `Do not use the reserved word \`${stage.name}\` as a stage name.` });
      }
    }
  },
};

/** Name parts that suggest a secret, alone or as a pair (`API_KEY`). */
const SECRET_PARTS = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS']);
const SECRET_PAIRS = new Set(['API_KEY', 'PRIVATE_KEY', 'ACCESS_KEY', 'SECRET_KEY', 'AUTH_KEY', 'CLIENT_SECRET']);
/** Names that point at a secret rather than holding it (`DB_PASSWORD_FILE`). */
const SECRET_REFERENCE_SUFFIXES = new Set(['FILE', 'PATH', 'DIR', 'URL', 'ENDPOINT', 'NAME', 'ID', 'LENGTH', 'TYPE']);

/** Values that switch something on or off: no secret is that short. */
const FLAG_VALUE = /^(yes|no|true|false|on|off|0|1)$/i;

export function looksLikeSecret(name: string): boolean {
  const parts = name.toUpperCase().split(/[_\-.]+/).filter((p) => p);
  const last = parts[parts.length - 1];
  if (last !== undefined && SECRET_REFERENCE_SUFFIXES.has(last)) return false;
  return parts.some((p, i) => SECRET_PARTS.has(p) || SECRET_PAIRS.has(`${p}_${parts[i + 1] ?? ''}`));
}

export const DL3064: Rule = {
  code: 'DL3064',
  severity: 'warning',
  message: 'Do not pass secrets through ARG or ENV.',
  explanation:
    'ENV values are stored in the image and ARG values in its build history, where anyone who can pull the image can read them. Use a secret mount instead (`RUN --mount=type=secret,id=…`), or provide the value at run time.',
  check(context) {
    for (const instruction of instructionsOf(context.file, 'ARG', 'ENV')) {
      for (const pair of pairs(instruction, context.file.escape, instruction.keyword === 'ENV')) {
        if (!looksLikeSecret(pair.name)) continue;
        // A switch, not a secret: MYSQL_ALLOW_EMPTY_PASSWORD=yes, NO_SECRETS=1.
        if (pair.value !== undefined && FLAG_VALUE.test(pair.value.replace(/^(["'])(.*)\1$/, '$2'))) continue;
        context.report({ span: toSource(instruction, pair.nameStart, pair.nameEnd), message: `Do not pass secrets through ${instruction.keyword}: \`${pair.name}\` looks like one.` });
      }
    }
  },
};

export const DL3065: Rule = {
  code: 'DL3065',
  severity: 'warning',
  message: 'Remove `--platform=$TARGETPLATFORM`: it is the default.',
  explanation: 'FROM already pulls the image for the target platform; `--platform=$TARGETPLATFORM` repeats the default and only adds noise. Remove it (`$BUILDPLATFORM` is the one that changes something).',
  check(context) {
    for (const from of instructionsOf(context.file, 'FROM')) {
      const platform = flag(from, 'platform');
      if (!platform) continue;
      const value = unquote(platform.value ?? '', context.file.escape);
      if (value !== '$TARGETPLATFORM' && value !== '${TARGETPLATFORM}') continue;
      // Remove the flag and the blanks after it.
      let end = platform.span.end;
      const text = context.file.text;
      while (text[end] === ' ' || text[end] === '\t') end++;
      context.report({
        span: platform.span,
        message: `Remove \`--platform=${value}\`: it is the default.`,
        fixes: [{ title: 'Remove --platform', edits: [{ span: { start: platform.span.start, end }, newText: '' }] }],
      });
    }
  },
};

export const DL3066: Rule = {
  code: 'DL3066',
  severity: 'info',
  message: 'Use a numeric UID in USER.',
  explanation:
    'A user name is resolved through the image\'s /etc/passwd at run time; runtimes that enforce non-root (such as Kubernetes `runAsNonRoot`) cannot verify a name and refuse to start the container. Use the numeric UID (and GID), e.g. `USER 10001:10001`.',
  check(context) {
    for (const user of instructionsOf(context.file, 'USER')) {
      const word = argWords(user, context.file.escape)[0];
      if (!word || isVariable(word.value)) continue;
      const name = word.value.split(':')[0] ?? '';
      if (/^\d+$/.test(name)) continue;
      context.report({ span: spanOf(user, word), message: `Use a numeric UID in USER: \`${name}\` is a name.` });
    }
  },
};

export const DL3067: Rule = {
  code: 'DL3067',
  severity: 'warning',
  message: 'Do not copy the whole filesystem (`/`) from another stage.',
  explanation:
    'Copying `/` from a stage or image brings along its entire operating system, package databases and caches, defeating the point of a multi-stage build. Copy only the files you need, e.g. `COPY --from=build /app/bin /usr/local/bin/`.',
  check(context) {
    for (const copy of instructionsOf(context.file, 'COPY')) {
      if (!flag(copy, 'from')) continue;
      const sources = operands(copy, context.file.escape).slice(0, -1);
      for (const source of sources) {
        if (/^\/+(\.|\*)?$/.test(source.value)) context.report({ span: spanOf(copy, source) });
      }
    }
  },
};

/** Quotes a value for a Dockerfile double-quoted string, where the escape character escapes `"`, `$` and itself. */
function dockerfileQuote(value: string, escape: string): string {
  let out = '"';
  for (const c of value) out += c === '"' || c === '$' || c === escape ? `${escape}${c}` : c;
  return `${out}"`;
}

export const DL4000: Rule = {
  code: 'DL4000',
  severity: 'error',
  message: 'MAINTAINER is deprecated: use `LABEL maintainer="…"`.',
  explanation: 'MAINTAINER was deprecated in favour of labels, which tools can read and which follow the usual key/value conventions. Write `LABEL maintainer="Name <email>"` (or `org.opencontainers.image.authors`).',
  check(context) {
    for (const maintainer of instructionsOf(context.file, 'MAINTAINER')) {
      const value = maintainer.rest;
      const fixes: Fix[] = [];
      if (value) {
        const span = { start: maintainer.keywordSpan.start, end: restSpan(maintainer).end };
        fixes.push({ title: 'Replace with LABEL maintainer', edits: [{ span, newText: `LABEL maintainer=${dockerfileQuote(value, context.file.escape)}` }] });
      }
      context.report({ span: maintainer.keywordSpan, fixes });
    }
  },
};

function reportAllButFirst(context: RuleContext, keyword: string): void {
  for (const stage of context.file.stages) {
    for (const extra of direct(stage, keyword).slice(1)) {
      context.report({ span: extra.keywordSpan });
    }
  }
}

export const DL4003: Rule = {
  code: 'DL4003',
  severity: 'warning',
  message: 'Keep one CMD per stage: only the last one takes effect.',
  explanation: 'An image has one default command; each CMD replaces the previous one, so earlier ones in the same stage do nothing. Keep the one you mean (to run several processes, use a script or a process manager).',
  check(context) {
    reportAllButFirst(context, 'CMD');
  },
};

export const DL4004: Rule = {
  code: 'DL4004',
  severity: 'error',
  message: 'Keep one ENTRYPOINT per stage: only the last one takes effect.',
  explanation: 'An image has one entrypoint; each ENTRYPOINT replaces the previous one, so earlier ones in the same stage do nothing. Keep the one you mean.',
  check(context) {
    reportAllButFirst(context, 'ENTRYPOINT');
  },
};

export const INSTRUCTION_RULES: readonly Rule[] = [
  DL1001,
  DL3000,
  DL3002,
  DL3006,
  DL3007,
  DL3011,
  DL3012,
  DL3020,
  DL3021,
  DL3022,
  DL3023,
  DL3024,
  DL3025,
  DL3026,
  DL3029,
  DL3043,
  DL3044,
  DL3045,
  DL3057,
  DL3061,
  DL3063,
  DL3064,
  DL3065,
  DL3066,
  DL3067,
  DL4000,
  DL4003,
  DL4004,
];
