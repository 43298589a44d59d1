/** Output formats of `berth lint`: pure functions from results to text. */
import type { Position } from './dockerfile';
import type { Finding, Rule, Severity } from './types';

export interface FileResult {
  file: string;
  findings: Finding[];
  /** Offsets → positions for this file. */
  positionAt(offset: number): Position;
}

export interface JsonDiagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export const FORMATS = ['tty', 'json', 'sarif', 'gnu', 'checkstyle'] as const;
export type Format = (typeof FORMATS)[number];

export function ruleUrl(code: string): string {
  return code.startsWith('SC') ? `https://www.shellcheck.net/wiki/${code}` : `https://github.com/hadolint/hadolint/wiki/${code}`;
}

function diagnostics(result: FileResult): JsonDiagnostic[] {
  return result.findings.map((f) => {
    const start = result.positionAt(f.span.start);
    const end = result.positionAt(f.span.end);
    return { code: f.code, severity: f.severity, message: f.message, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
  });
}

export function formatJson(results: readonly FileResult[]): string {
  return `${JSON.stringify(results.map((r) => ({ file: r.file, diagnostics: diagnostics(r) })), null, 2)}\n`;
}

const TTY_COLOURS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m', style: '\x1b[35m' };

export function formatTty(results: readonly FileResult[], colour: boolean): string {
  const lines: string[] = [];
  let total = 0;
  for (const result of results) {
    for (const d of diagnostics(result)) {
      total++;
      const severity = colour ? `${TTY_COLOURS[d.severity]}${d.severity}\x1b[0m` : d.severity;
      const code = colour ? `\x1b[1m${d.code}\x1b[0m` : d.code;
      lines.push(`${result.file}:${d.line}:${d.column} ${code} ${severity}: ${d.message}`);
    }
  }
  if (total === 0) lines.push(`No problems in ${results.length} file${results.length === 1 ? '' : 's'}.`);
  return `${lines.join('\n')}\n`;
}

export function formatGnu(results: readonly FileResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    for (const d of diagnostics(result)) {
      lines.push(`${result.file}:${d.line}.${d.column}-${d.endLine}.${d.endColumn}: ${d.severity}: ${d.code} ${d.message}`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

export function formatCheckstyle(results: readonly FileResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const result of results) {
    out.push(`  <file name="${xmlEscape(result.file)}">`);
    for (const d of diagnostics(result)) {
      // Checkstyle knows error, warning and info; style maps to info.
      const severity = d.severity === 'style' ? 'info' : d.severity;
      out.push(`    <error line="${d.line}" column="${d.column}" severity="${severity}" message="${xmlEscape(d.message)}" source="${xmlEscape(d.code)}"/>`);
    }
    out.push('  </file>');
  }
  out.push('</checkstyle>');
  return `${out.join('\n')}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };

export function formatSarif(results: readonly FileResult[], rules: readonly Rule[], version: string): string {
  const used = new Set(results.flatMap((r) => r.findings.map((f) => f.code)));
  const ruleIndex = new Map<string, number>();
  const sarifRules = [...used].sort().map((code, index) => {
    ruleIndex.set(code, index);
    const rule = rules.find((r) => r.code === code);
    return {
      id: code,
      shortDescription: { text: rule?.message ?? code },
      fullDescription: { text: rule?.explanation ?? rule?.message ?? code },
      ...(/^(DL|SC)\d{4}$/.test(code) ? { helpUri: ruleUrl(code) } : {}),
      defaultConfiguration: { level: rule && rule.severity !== 'ignore' ? SARIF_LEVEL[rule.severity] : 'note' },
    };
  });
  const sarifResults = results.flatMap((result) =>
    diagnostics(result).map((d) => ({
      ruleId: d.code,
      ruleIndex: ruleIndex.get(d.code) ?? 0,
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: result.file.split('\\').join('/') },
            region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
          },
        },
      ],
    })),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'berth', version, informationUri: 'https://github.com/hadolint/hadolint/wiki', rules: sarifRules } }, results: sarifResults }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
