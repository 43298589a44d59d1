/** The linter's vocabulary: findings, fixes, rules and their configuration. No `vscode` here. */
import type { Instruction, ParsedDockerfile, Span } from './dockerfile';
import type { ShellCommand, ShellScript } from './shell';

/** hadolint's levels, most severe first. `ignore` turns a rule off. */
export type Severity = 'error' | 'warning' | 'info' | 'style';
export type RuleSeverity = Severity | 'ignore';

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info', 'style'];

/** True when `severity` is at least as severe as `threshold`. */
export function reaches(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(threshold);
}

export interface TextEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  fixes: Fix[];
}

export interface LabelSchema {
  /** Label name → expected type: text, url, semver, hash, rfc3339, spdx, email. */
  [label: string]: string;
}

/** Everything that shapes a lint run: the defaults, `.hadolint.yaml`, and Berth's settings, merged. */
export interface LintConfig {
  /** Rules turned off everywhere. */
  ignored: ReadonlySet<string>;
  /** Per-rule severity overrides. */
  overrides: ReadonlyMap<string, RuleSeverity>;
  /** Registries FROM may use (DL3026); empty means any. */
  trustedRegistries: readonly string[];
  labelSchema: LabelSchema;
  strictLabels: boolean;
  /** Findings below this do not fail the CLI. */
  failureThreshold: Severity | 'none';
  noFail: boolean;
}

export const DEFAULT_CONFIG: LintConfig = {
  ignored: new Set(),
  overrides: new Map(),
  trustedRegistries: [],
  labelSchema: {},
  strictLabels: false,
  failureThreshold: 'info',
  noFail: false,
};

/** A shell script inside a RUN, with the way back from its offsets to the Dockerfile's. */
export interface RunScript {
  /** `shell`: the RUN line; `exec`: JSON form; `heredoc`: a heredoc body; `sh-c`: the script of `sh -c '…'`. */
  kind: 'shell' | 'exec' | 'heredoc' | 'sh-c';
  script: ShellScript;
  /**
   * Its offsets map one to one onto the Dockerfile's text, so a fix can edit there. Not so in JSON
   * form (offsets point at the whole array), nor in a `sh -c` argument with escapes in it.
   */
  exact: boolean;
  readonly span: (start: number, end: number) => Span;
}

export interface LocatedCommand {
  command: ShellCommand;
  script: RunScript;
}

/** A command with the RUN (or ONBUILD RUN trigger) it belongs to. */
export interface RunCommand extends LocatedCommand {
  run: Instruction;
}

export interface RuleContext {
  readonly file: ParsedDockerfile;
  readonly config: LintConfig;
  /** The shell scripts of a RUN (or ONBUILD RUN): its line, heredoc bodies and `sh -c` scripts; cached. */
  scripts(instruction: Instruction): RunScript[];
  /** Every simple command of those scripts, in order. */
  commands(instruction: Instruction): readonly LocatedCommand[];
  /** Every command of every RUN that runs in a POSIX shell, in file order; computed once per lint. */
  runCommands(): readonly RunCommand[];
  /** The same, only commands with one of these base names (`/usr/bin/apt-get` counts as `apt-get`). */
  commandsNamed(...names: string[]): readonly RunCommand[];
  /** False when RUN uses a non-POSIX shell here (`SHELL ["powershell", …]` or `# hadolint shell=`). */
  isPosixShell(instruction: Instruction): boolean;
  report(finding: { span: Span; message?: string; fixes?: Fix[] }): void;
}

export interface Rule {
  code: string;
  severity: RuleSeverity;
  /** One line, shown in the Problems panel. */
  message: string;
  /** Our own explanation, shown on hover. */
  explanation: string;
  check(context: RuleContext): void;
}
