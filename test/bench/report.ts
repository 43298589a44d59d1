/**
 * The benchmark's output: a readable table (each figure next to its same-run baseline, the ratio,
 * the target and whether it is met) and test-results/bench.json, a flat object of numbers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { round } from './util';

export type Unit = 'bytes' | 'ms' | 'x' | 'count';

export interface Target {
  op: '<=' | '>=';
  value: number;
}

export interface Row {
  /** The figure's key in bench.json. */
  key: string;
  value: number;
  unit: Unit;
  /** The same-run baseline this figure is read against. */
  baseline?: { label: string; value: number; unit: Unit };
  /** figure / baseline unless given (e.g. when the figure is itself a ratio). */
  ratio?: { value: number; label: string };
  target?: Target;
  note?: string;
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return 'n/a';
  switch (unit) {
    case 'bytes':
      return value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : `${(value / 1e3).toFixed(1)} kB`;
    case 'ms':
      return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
    case 'x':
      return `${value.toFixed(2)}x`;
    case 'count':
      return Number.isInteger(value) ? String(value) : value.toFixed(2);
  }
}

function ratioOf(row: Row): { value: number; label: string } | undefined {
  if (row.ratio) return row.ratio;
  if (!row.baseline) return undefined;
  return { value: row.value / row.baseline.value, label: 'of baseline' };
}

export function met(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  return row.target.op === '<=' ? row.value <= row.target.value : row.value >= row.target.value;
}

function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 0.1 ? `${value.toFixed(3)}x` : `${value.toFixed(2)}x`;
}

export function renderTable(rows: readonly Row[]): string {
  const header = ['figure', 'value', 'baseline (same run)', 'ratio', 'target', 'met'];
  const lines = rows.map((row) => {
    const ratio = ratioOf(row);
    const ok = met(row);
    return [
      row.key,
      formatValue(row.value, row.unit),
      row.baseline ? `${row.baseline.label} ${formatValue(row.baseline.value, row.baseline.unit)}` : '',
      ratio ? `${formatRatio(ratio.value)} ${ratio.label}` : '',
      row.target ? `${row.target.op === '<=' ? '≤' : '≥'} ${formatValue(row.target.value, row.unit)}` : '',
      ok === undefined ? '(context)' : ok ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [fmt(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const [i, row] of rows.entries()) {
    out.push(fmt(lines[i] ?? []));
    if (row.note) out.push(`    ${row.note}`);
  }
  return out.join('\n');
}

/** Every figure, its baseline and its ratio, as a flat object of numbers. */
export function toJson(rows: readonly Row[], extra: Record<string, number> = {}): Record<string, number> {
  const json: Record<string, number> = {};
  for (const row of rows) json[row.key] = round(row.value, row.unit === 'bytes' ? 0 : 3);
  return { ...json, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, round(v, 3)])) };
}

export function writeJson(file: string, figures: Record<string, number>): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}
