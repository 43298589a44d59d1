/**
 * The linter's speed: Berth's full lint (Linter.lint with ALL_RULES and the default config) on
 * generated, realistic Dockerfiles (test/bench/dockerfileGen.ts), each figure against
 * dockerfile-utils' validate() on the same text in the same run. Needs neither root nor an engine.
 *
 * The shell layer caches parsed RUN scripts by their text. "Cold" runs use a fresh Linter (its
 * creation, which loads the WebAssembly grammar, is not timed), so every RUN is parsed; "warm"
 * runs re-lint the same text with the same Linter, as the editor does when nothing in the RUNs
 * changed. Every figure says which it is.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { validate } from 'dockerfile-utils';
import type { Instruction } from '../../src/lint/dockerfile';
import { parseDockerfile } from '../../src/lint/dockerfile';
import { Linter } from '../../src/lint/linter';
import { ALL_RULES } from '../../src/lint/rules';
import type { Finding, Rule } from '../../src/lint/types';
import { DEFAULT_CONFIG } from '../../src/lint/types';
import { generateDockerfile } from './dockerfileGen';
import type { Row } from './report';
import type { Log } from './util';
import { median } from './util';

const SMALL_LINES = 200;
const SMALL_WARMUP = 100;
const SMALL_RUNS = 500;
const SMALL_COLD_FILES = 60;
const LARGE_LINES = 23_000;
const LARGE_RUNS = 5;
const SCALING_SIZES = [1_000, 5_000, 20_000];
const SCALING_ROUNDS = 5;
/** Small files are quick and noisier: more runs of them per round. */
const runsPerRound = (lines: number): number => Math.max(1, Math.round(4_000 / lines));

export interface LintBenchResult {
  rows: Row[];
  extra: Record<string, number>;
}

/** The nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * A full garbage collection, so that one long run (or dockerfile-utils, interleaved) does not leave
 * its garbage to be collected in the next one's time. Only before the 23k-line runs: before short
 * runs it backfires (the heap shrinks and the next run pays for growing it again: 1k-line lints
 * measured 2x slower right after a forced collection).
 */
let gc: (() => void) | undefined;
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    const exposed: unknown = runInNewContext('gc');
    gc = typeof exposed === 'function' ? (exposed as () => void) : () => undefined;
  }
  gc();
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** For the 23k-line runs: a collection first, then the time. */
function timeAfterGc(fn: () => void): number {
  collectGarbage();
  return time(fn);
}

/**
 * `count` timed runs of each, in alternating blocks: both sides see the same machine load, and
 * mostly pay for their own garbage.
 */
function alternate(count: number, block: number, a: () => void, b: () => void): { a: number[]; b: number[] } {
  const result = { a: [] as number[], b: [] as number[] };
  for (let done = 0; done < count; done += block) {
    for (const [side, fn] of [['a', a] as const, ['b', b] as const]) {
      for (let i = done; i < Math.min(count, done + block); i++) result[side].push(time(fn));
    }
  }
  return result;
}

/** Least-squares slope of log(time) against log(size): 1 is linear, 2 quadratic. */
function scalingExponent(points: ReadonlyArray<{ size: number; ms: number }>): number {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * ((ys[i] ?? 0) - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

/** Fails the benchmark if a rule broke on the generated text: its time would mean nothing. */
function assertHealthy(findings: readonly Finding[], what: string): void {
  const internal = findings.find((f) => f.message.startsWith('Internal error in rule'));
  if (internal) throw new Error(`${what}: ${internal.message}`);
}

/** One cold lint: a fresh Linter (created untimed), one timed lint, disposed. */
async function coldLint(text: string, gcFirst = false): Promise<{ ms: number; findings: Finding[] }> {
  const linter = await Linter.create(ALL_RULES);
  try {
    let findings: Finding[] = [];
    const ms = (gcFirst ? timeAfterGc : time)(() => {
      findings = linter.lint(text, DEFAULT_CONFIG);
    });
    return { ms, findings };
  } finally {
    linter.dispose();
  }
}

/**
 * Where a cold lint's time goes: the Dockerfile parser, the shell layer (every RUN's scripts,
 * parsed by a first pseudo-rule), and each real rule, timed by wrapping its check().
 */
async function breakdown(text: string): Promise<{ parseMs: number; shellMs: number; rulesMs: number; totalMs: number; perRule: Array<[string, number]> }> {
  const perRule = new Map<string, number>();
  let shellMs = 0;
  const prefetch: Rule = {
    code: '!prefetch',
    severity: 'info',
    message: 'parse every RUN script',
    explanation: 'benchmark only',
    check(context) {
      shellMs = time(() => {
        for (const instruction of context.file.instructions) context.scripts(instruction);
      });
    },
  };
  const timedRules: Rule[] = ALL_RULES.map((rule) => ({
    ...rule,
    check(context) {
      const ms = time(() => rule.check(context));
      perRule.set(rule.code, (perRule.get(rule.code) ?? 0) + ms);
    },
  }));
  const linter = await Linter.create([prefetch, ...timedRules]);
  try {
    let file: ReturnType<typeof parseDockerfile> | undefined;
    collectGarbage();
    const parseMs = time(() => {
      file = parseDockerfile(text);
    });
    let findings: Finding[] = [];
    const lintParsedMs = time(() => {
      if (file) findings = linter.lintParsed(file, DEFAULT_CONFIG);
    });
    assertHealthy(findings, 'breakdown');
    const rulesMs = [...perRule.values()].reduce((a, b) => a + b, 0);
    return { parseMs, shellMs, rulesMs, totalMs: parseMs + lintParsedMs, perRule: [...perRule].sort((a, b) => b[1] - a[1]) };
  } finally {
    linter.dispose();
  }
}

function runScripts(text: string): { runs: number; distinct: number } {
  const runs = parseDockerfile(text).instructions.filter((i: Instruction) => (i.trigger ?? i).keyword === 'RUN');
  return { runs: runs.length, distinct: new Set(runs.map((i) => (i.trigger ?? i).rest)).size };
}

export async function measureLint(log: Log): Promise<LintBenchResult> {
  const rows: Row[] = [];
  const extra: Record<string, number> = {};
  log(`${ALL_RULES.length} rules`);

  // --- 200 lines: p95 over many runs, interleaved with dockerfile-utils on the same text.
  {
    const { text } = generateDockerfile(SMALL_LINES, 200);
    const linter = await Linter.create(ALL_RULES);
    try {
      assertHealthy(linter.lint(text), '200-line file');
      for (let i = 0; i < SMALL_WARMUP; i++) {
        linter.lint(text, DEFAULT_CONFIG);
        validate(text);
      }
      const { a: berth, b: utils } = alternate(
        SMALL_RUNS,
        50,
        () => linter.lint(text, DEFAULT_CONFIG),
        () => validate(text),
      );
      const p95 = percentile(berth, 95);
      const utilsP95 = percentile(utils, 95);
      const scripts = runScripts(text);
      rows.push({
        key: 'lint_200_lines_p95_ms',
        value: p95,
        unit: 'ms',
        baseline: { label: 'dockerfile-utils validate() p95', value: utilsP95, unit: 'ms' },
        target: { op: '<=', value: 5 },
        note: `${SMALL_RUNS} runs after ${SMALL_WARMUP} warm-up runs, alternating with validate() in blocks of 50; same text and Linter each run, so the shell cache is warm (${scripts.runs} RUNs). Berth median ${median(berth).toFixed(2)} ms, max ${Math.max(...berth).toFixed(2)} ms; validate() median ${median(utils).toFixed(2)} ms`,
      });
      extra.lint_200_lines_median_ms = median(berth);
      extra.lint_200_lines_dockerfile_utils_p95_ms = utilsP95;
      extra.lint_200_lines_dockerfile_utils_median_ms = median(utils);
    } finally {
      linter.dispose();
    }

    // The same size, cold: the first lint of each of many different files (every RUN parsed).
    const warm = await Linter.create(ALL_RULES);
    try {
      // Warm the JIT on other files; the measured texts are new to the cache.
      for (let seed = 0; seed < 20; seed++) warm.lint(generateDockerfile(SMALL_LINES, 10_000 + seed).text);
      const texts = Array.from({ length: SMALL_COLD_FILES }, (_, i) => generateDockerfile(SMALL_LINES, 20_000 + i).text);
      const berth = texts.map((text) => time(() => warm.lint(text, DEFAULT_CONFIG)));
      const utils = texts.map((text) => time(() => validate(text)));
      rows.push({
        key: 'lint_200_lines_cold_cache_p95_ms',
        value: percentile(berth, 95),
        unit: 'ms',
        baseline: { label: 'dockerfile-utils validate() p95', value: percentile(utils, 95), unit: 'ms' },
        note: `first lint of each of ${SMALL_COLD_FILES} different generated 200-line files (no shell-cache hits); median ${median(berth).toFixed(2)} ms`,
      });
      extra.lint_200_lines_cold_cache_median_ms = median(berth);
    } finally {
      warm.dispose();
    }
  }

  // --- 23,000 lines: medians of a few cold runs against dockerfile-utils.
  {
    const { text, lines } = generateDockerfile(LARGE_LINES, 23);
    const scripts = runScripts(text);
    log(`23k: ${lines} lines, ${text.length.toLocaleString('en')} chars, ${scripts.runs} RUNs (${scripts.distinct} distinct)`);
    const berth: number[] = [];
    const utils: number[] = [];
    let findings = 0;
    for (let i = 0; i < LARGE_RUNS; i++) {
      const cold = await coldLint(text, true);
      assertHealthy(cold.findings, '23k-line file');
      findings = cold.findings.length;
      berth.push(cold.ms);
      utils.push(timeAfterGc(() => validate(text)));
      log(`23k run ${i + 1}/${LARGE_RUNS}: Berth ${cold.ms.toFixed(0)} ms, dockerfile-utils ${(utils[utils.length - 1] ?? 0).toFixed(0)} ms`);
    }
    // Warm: the same Linter linting the same text again.
    const linter = await Linter.create(ALL_RULES);
    let warmMs = Number.NaN;
    try {
      linter.lint(text, DEFAULT_CONFIG);
      warmMs = timeAfterGc(() => linter.lint(text, DEFAULT_CONFIG));
    } finally {
      linter.dispose();
    }
    const split = await breakdown(text);
    const berthMedian = median(berth);
    const utilsMedian = median(utils);
    const utilsBaseline = { label: 'dockerfile-utils validate()', value: utilsMedian, unit: 'ms' as const };
    rows.push({
      key: 'lint_23k_lines_vs_dockerfile_utils',
      value: utilsMedian / berthMedian,
      unit: 'x',
      baseline: utilsBaseline,
      ratio: { value: utilsMedian / berthMedian, label: 'utils/Berth' },
      target: { op: '>=', value: 20 },
      note: `medians of ${LARGE_RUNS} interleaved runs on one generated ${lines.toLocaleString('en')}-line file (${scripts.runs} RUNs, ${scripts.distinct} distinct); Berth cold (fresh Linter per run, creation untimed): ${berth.map((v) => v.toFixed(0)).join(', ')} ms; validate(): ${utils.map((v) => v.toFixed(0)).join(', ')} ms; ${findings} findings`,
    });
    rows.push({ key: 'lint_23k_lines_ms', value: berthMedian, unit: 'ms', baseline: utilsBaseline, note: 'cold shell cache (fresh Linter per run)' });
    rows.push({ key: 'lint_23k_lines_dockerfile_utils_ms', value: utilsMedian, unit: 'ms' });
    rows.push({
      key: 'lint_23k_lines_warm_ms',
      value: warmMs,
      unit: 'ms',
      baseline: { label: 'cold', value: berthMedian, unit: 'ms' },
      note: `second lint of the same text with the same Linter (shell cache holds 4,096 scripts; the file has ${scripts.distinct} distinct RUNs)`,
    });
    const top = split.perRule
      .slice(0, 6)
      .map(([code, ms]) => `${code} ${ms.toFixed(0)}`)
      .join(', ');
    rows.push({
      key: 'lint_23k_lines_breakdown_total_ms',
      value: split.totalMs,
      unit: 'ms',
      note:
        `one cold run, split: Dockerfile parser ${split.parseMs.toFixed(0)} ms, shell layer (tree-sitter + command extraction, every RUN) ${split.shellMs.toFixed(0)} ms, ` +
        `rules ${split.rulesMs.toFixed(0)} ms, other ${(split.totalMs - split.parseMs - split.shellMs - split.rulesMs).toFixed(0)} ms.\n    Slowest rules (ms): ${top}`,
    });
    extra.lint_23k_lines_parse_ms = split.parseMs;
    extra.lint_23k_lines_shell_ms = split.shellMs;
    extra.lint_23k_lines_rules_ms = split.rulesMs;
  }

  // --- Scaling: cold lint at 1k, 5k and 20k lines; the slope of log(time) over log(lines).
  {
    const texts = new Map(SCALING_SIZES.map((size) => [size, generateDockerfile(size, size).text]));
    const berth = new Map<number, number[]>(SCALING_SIZES.map((size) => [size, []]));
    const utils = new Map<number, number[]>(SCALING_SIZES.map((size) => [size, []]));
    // Round-robin over the sizes, so a change in the machine's load hits every size alike; all of
    // Berth's runs first, then dockerfile-utils' (interleaved, its garbage would land in Berth's runs).
    for (const [times, run] of [
      [berth, async (text: string) => (await coldLint(text)).ms],
      [utils, (text: string) => Promise.resolve(time(() => validate(text)))],
    ] as const) {
      for (let round = 0; round < SCALING_ROUNDS; round++) {
        for (const size of SCALING_SIZES) {
          for (let i = 0; i < runsPerRound(size); i++) times.get(size)?.push(await run(texts.get(size) ?? ''));
        }
      }
    }
    const points = (times: Map<number, number[]>): Array<{ size: number; ms: number }> => SCALING_SIZES.map((size) => ({ size, ms: median(times.get(size) ?? []) }));
    const berthPoints = points(berth);
    const utilsPoints = points(utils);
    for (const [i, size] of SCALING_SIZES.entries()) {
      extra[`lint_${size / 1000}k_lines_ms`] = berthPoints[i]?.ms ?? Number.NaN;
      extra[`lint_${size / 1000}k_lines_dockerfile_utils_ms`] = utilsPoints[i]?.ms ?? Number.NaN;
      log(`scaling ${size} lines: Berth ${(berthPoints[i]?.ms ?? Number.NaN).toFixed(0)} ms, dockerfile-utils ${(utilsPoints[i]?.ms ?? Number.NaN).toFixed(0)} ms`);
    }
    const exponent = scalingExponent(berthPoints);
    const utilsExponent = scalingExponent(utilsPoints);
    rows.push({
      key: 'lint_scaling_exponent',
      value: exponent,
      unit: 'x',
      baseline: { label: 'dockerfile-utils exponent', value: utilsExponent, unit: 'x' },
      target: { op: '<=', value: 1.1 },
      note: `least-squares slope of log(time) on log(lines), cold lint, median of ${SCALING_SIZES.map((size) => SCALING_ROUNDS * runsPerRound(size)).join('/')} runs, same text per size (shown as "x"; 1 is linear): ${berthPoints.map((p) => `${p.size / 1000}k ${p.ms.toFixed(0)} ms`).join(', ')}; dockerfile-utils ${utilsPoints.map((p) => `${p.size / 1000}k ${p.ms.toFixed(0)} ms`).join(', ')}`,
    });
    extra.lint_scaling_exponent_dockerfile_utils = utilsExponent;
  }
  return { rows, extra };
}
