/**
 * The TextMate grammars in syntaxes/, tokenized by the engine VS Code uses (vscode-textmate on
 * vscode-oniguruma) against the fixtures in test/fixtures/grammar/. The Dockerfile grammar embeds
 * `source.shell`; here a small test-only stand-in grammar plays that part, so these tests assert the
 * Dockerfile grammar's own scopes. test/e2e/grammar.test.ts runs the fixtures against VS Code's real
 * shellscript grammar, which exists once the e2e suite has installed code-server.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vsctm from 'vscode-textmate';
import type { Doc} from '../harness/grammar';
import { DELIMITER, DOCKERFILE_GRAMMAR, DOCKERIGNORE_GRAMMAR, INSTRUCTIONS, KEYWORD, SHELL_BLOCK, SHELL_LINE, SHELL_STANDIN, expectEveryInstructionRecognised, expectNoScope, expectScope, expectToken, fixture, loadGrammar, repoPath, tokenize, tokensOver } from '../harness/grammar';

describe('Dockerfile grammar', () => {
  let grammar: vsctm.IGrammar;
  let sample: Doc;
  let heredoc: Doc;
  let backtick: Doc;
  const text = (source: string): Doc => tokenize(grammar, source);

  before(async () => {
    grammar = await loadGrammar('source.dockerfile.berth', SHELL_STANDIN);
    sample = fixture(grammar, 'Dockerfile.sample');
    heredoc = fixture(grammar, 'heredoc.Dockerfile');
    backtick = fixture(grammar, 'escape-backtick.Dockerfile');
  });

  describe('parser directives and comments', () => {
    it('scopes `# syntax=` on line 1 as a directive, not a comment', () => {
      expectToken(sample, 1, '#', 'punctuation.definition.directive.dockerfile');
      expectToken(sample, 1, 'syntax', 'keyword.control.directive.dockerfile');
      expectScope(sample, 1, 'syntax=docker', 'meta.preprocessor.directive.dockerfile');
      expectNoScope(sample, 1, '# syntax=docker/dockerfile:1.7', 'comment');
    });

    it('reads the syntax directive value as an image reference', () => {
      expectToken(sample, 1, 'docker/dockerfile', 'entity.name.type.image.dockerfile');
      expectToken(sample, 1, '1.7', 'constant.other.image.tag.dockerfile');
    });

    it('scopes the options of `# check=`', () => {
      expectToken(sample, 2, 'check', 'keyword.control.directive.dockerfile');
      expectToken(sample, 2, 'skip', 'variable.parameter.directive-option.dockerfile');
      expectToken(sample, 2, ';', 'punctuation.separator.dockerfile');
      expectToken(sample, 2, 'true', 'constant.language.dockerfile');
    });

    it('scopes an ordinary comment line as a comment', () => {
      expectScope(sample, 3, '# Build the app', 'comment.line.number-sign.dockerfile');
      expectToken(sample, 3, '#', 'punctuation.definition.comment.dockerfile');
    });

    it('treats `# syntax=` after a comment as a comment', () => {
      expectScope(sample, 4, '# syntax=this/is-only-a-comment', 'comment.line.number-sign.dockerfile');
      expectNoScope(sample, 4, 'syntax', 'meta.preprocessor.directive.dockerfile');
    });

    it('treats `# syntax=` after an instruction as a comment', () => {
      const doc = text('FROM alpine\n# syntax=docker/dockerfile:1\n');
      expectScope(doc, 2, '# syntax=docker/dockerfile:1', 'comment.line.number-sign.dockerfile');
      expectNoScope(doc, 2, 'syntax', 'keyword.control.directive.dockerfile');
    });

    it('scopes the escape directive value, and flags a value that is not an escape character', () => {
      const good = text('# escape=\\\nFROM alpine\n');
      expectToken(good, 1, '\\', 'constant.character.escape.directive-value.dockerfile');
      const bad = text('# escape=x\nFROM alpine\n');
      expectToken(bad, 1, 'x', 'invalid.illegal.escape-directive.dockerfile');
    });
  });

  describe('instructions', () => {
    it('recognises every instruction keyword in the fixtures, with no region leaking into the next line', () => {
      expectEveryInstructionRecognised(sample, 'Dockerfile.sample');
      expectEveryInstructionRecognised(heredoc, 'heredoc.Dockerfile');
    });

    it('recognises all eighteen instructions, in any case', () => {
      const source = INSTRUCTIONS.flatMap((k) => [`${k} x`, `${k.toLowerCase()} x`, `${k.charAt(0)}${k.slice(1).toLowerCase()} x`]).join('\n');
      const doc = text(source);
      doc.slice(0, INSTRUCTIONS.length * 3).forEach((line, i) => {
        expectToken(doc, i + 1, line.text.split(' ')[0] ?? '', KEYWORD);
      });
    });

    it('does not take a word that merely starts with a keyword for an instruction', () => {
      const doc = text('RUNNER x\nFROMAGE y\n');
      expectNoScope(doc, 1, 'RUNNER', KEYWORD);
      expectNoScope(doc, 2, 'FROMAGE', KEYWORD);
    });

    it('scopes ONBUILD and the instruction it wraps', () => {
      expectToken(sample, 26, 'ONBUILD', KEYWORD);
      expectToken(sample, 26, 'RUN', KEYWORD);
      expectScope(sample, 26, 'npm ci', SHELL_LINE);
      expectToken(sample, 27, 'COPY', KEYWORD);
    });

    it('marks FROM inside ONBUILD as invalid', () => {
      expectToken(sample, 38, 'FROM', 'invalid.illegal.onbuild.dockerfile');
    });
  });

  describe('flags', () => {
    it('scopes `--mount` as a flag name and its value separately', () => {
      expectToken(sample, 8, '--mount', 'entity.other.attribute-name.flag.dockerfile');
      expectToken(sample, 8, '=', 'keyword.operator.assignment.dockerfile');
      expectScope(sample, 8, 'type=cache,target=/root/.cache', 'string.unquoted.flag-value.dockerfile');
      expectNoScope(sample, 8, '--mount', 'string.unquoted.flag-value.dockerfile');
    });

    it('scopes the keys of a `--mount` option list', () => {
      expectToken(sample, 8, 'type', 'variable.parameter.flag-option.dockerfile');
      expectToken(sample, 8, 'target', 'variable.parameter.flag-option.dockerfile');
      expectToken(sample, 8, ',', 'punctuation.separator.comma.dockerfile');
      expectNoScope(sample, 8, 'cache', 'variable.parameter');
    });

    it('scopes a flag on a continuation line', () => {
      expectToken(sample, 9, '--network', 'entity.other.attribute-name.flag.dockerfile');
      expectToken(sample, 9, 'none', 'string.unquoted.flag-value.dockerfile');
    });

    it('scopes the COPY flags, with and without a value', () => {
      expectToken(sample, 15, '--from', 'entity.other.attribute-name.flag.dockerfile');
      expectToken(sample, 15, 'builder', 'string.unquoted.flag-value.dockerfile');
      expectToken(sample, 15, '--chown', 'entity.other.attribute-name.flag.dockerfile');
      expectScope(sample, 15, 'app:app', 'string.unquoted.flag-value.dockerfile');
      expectToken(sample, 15, '755', 'constant.numeric.integer.dockerfile');
      expectToken(sample, 15, '--link', 'entity.other.attribute-name.flag.dockerfile');
    });

    it('scopes the HEALTHCHECK flags and their durations', () => {
      expectToken(sample, 25, '--interval', 'entity.other.attribute-name.flag.dockerfile');
      expectToken(sample, 25, '30s', 'constant.numeric.duration.dockerfile');
      expectToken(sample, 25, '--retries', 'entity.other.attribute-name.flag.dockerfile');
      expectToken(sample, 25, '3', 'constant.numeric.integer.dockerfile', 2);
    });

    it('expands variables in a flag value', () => {
      expectToken(sample, 6, '--platform', 'entity.other.attribute-name.flag.dockerfile');
      expectToken(sample, 6, 'BUILDPLATFORM', 'variable.other.dockerfile');
      expectScope(sample, 6, '$BUILDPLATFORM', 'string.unquoted.flag-value.dockerfile');
    });

    it('leaves the options of the command itself to the shell', () => {
      expectNoScope(sample, 10, '--no-install-recommends', 'entity.other.attribute-name.flag.dockerfile');
      expectScope(sample, 10, '--no-install-recommends', SHELL_LINE);
      expectNoScope(sample, 31, '--verbose', 'entity.other.attribute-name.flag.dockerfile');
    });
  });

  describe('FROM', () => {
    it('scopes the image name and a tag built from a variable', () => {
      expectToken(sample, 6, 'node', 'entity.name.type.image.dockerfile');
      expectToken(sample, 6, ':', 'punctuation.separator.tag.dockerfile');
      expectScope(sample, 6, '${NODE_VERSION:-20}-bookworm', 'constant.other.image.tag.dockerfile');
      expectToken(sample, 6, 'NODE_VERSION', 'variable.other.dockerfile');
    });

    it('scopes `builder` after AS as the stage name', () => {
      expectToken(sample, 6, 'AS', 'keyword.control.as.dockerfile');
      expectToken(sample, 6, 'builder', 'entity.name.function.stage.dockerfile');
      expectNoScope(sample, 6, 'builder', 'entity.name.type.image.dockerfile');
    });

    it('scopes the registry, repository, tag and digest of a full reference', () => {
      expectToken(sample, 32, 'ghcr.io', 'entity.name.namespace.registry.dockerfile');
      expectToken(sample, 32, '/example/runtime', 'entity.name.type.image.dockerfile');
      expectToken(sample, 32, '1.2', 'constant.other.image.tag.dockerfile');
      expectToken(sample, 32, '@', 'punctuation.separator.digest.dockerfile');
      expectToken(sample, 32, 'sha256:0123abcd', 'constant.other.image.digest.dockerfile');
      expectToken(sample, 32, 'as', 'keyword.control.as.dockerfile');
      expectToken(sample, 32, 'final', 'entity.name.function.stage.dockerfile');
    });

    it('scopes scratch, and a registry with a port', () => {
      expectToken(sample, 33, 'scratch', 'constant.language.scratch.dockerfile');
      const doc = text('FROM localhost:5000/team/app:dev\n');
      expectToken(doc, 1, 'localhost:5000', 'entity.name.namespace.registry.dockerfile');
      expectToken(doc, 1, 'dev', 'constant.other.image.tag.dockerfile');
    });
  });

  describe('exec form', () => {
    it('scopes a JSON array: brackets, strings, separators and escapes', () => {
      expectToken(sample, 30, '[', 'punctuation.definition.array.begin.dockerfile');
      expectScope(sample, 30, '"node"', 'string.quoted.double.dockerfile');
      expectToken(sample, 30, ',', 'punctuation.separator.array.dockerfile');
      expectToken(sample, 30, '\\"', 'constant.character.escape.dockerfile');
      expectToken(sample, 30, ']', 'punctuation.definition.array.end.dockerfile');
      expectNoScope(sample, 30, 'node', SHELL_LINE);
    });

    it('does not expand variables in the exec form of RUN, CMD and ENTRYPOINT', () => {
      expectScope(sample, 36, '$NOT_EXPANDED', 'string.quoted.double.dockerfile');
      expectNoScope(sample, 36, '$NOT_EXPANDED', 'variable');
    });

    it('expands variables in the JSON form of VOLUME', () => {
      expectToken(sample, 23, 'DATA_DIR', 'variable.other.dockerfile');
      expectScope(sample, 29, '"pipefail"', 'string.quoted.double.dockerfile');
    });

    it('reads `RUN [ -f … ]` as the shell test command, not as JSON', () => {
      expectScope(sample, 35, '[ -f /etc/os-release ]', SHELL_LINE);
      expectNoScope(sample, 35, '[', 'punctuation.definition.array.begin.dockerfile');
    });

    it('marks a bare word inside the array as invalid', () => {
      const doc = text('CMD ["sh", oops]\n');
      expectToken(doc, 1, 'oops', 'invalid.illegal.expected-string.dockerfile');
    });
  });

  describe('variables', () => {
    it('scopes ${VAR:-default}: the name, the operator and the default', () => {
      expectToken(sample, 6, '${', 'punctuation.definition.variable.begin.dockerfile');
      expectToken(sample, 6, 'NODE_VERSION', 'variable.other.dockerfile');
      expectToken(sample, 6, ':-', 'keyword.operator.expansion.dockerfile');
      expectToken(sample, 6, '20', 'string.unquoted.expansion.dockerfile');
      expectToken(sample, 6, '}', 'punctuation.definition.variable.end.dockerfile');
    });

    it('scopes ${VAR:+x} inside a quoted value', () => {
      expectToken(sample, 18, 'USER', 'variable.other.dockerfile');
      expectToken(sample, 18, ':+', 'keyword.operator.expansion.dockerfile');
      expectScope(sample, 18, '${USER:+x}', 'string.quoted.double.dockerfile');
    });

    it('scopes $VAR and ${VAR}', () => {
      expectToken(sample, 6, '$', 'punctuation.definition.variable.dockerfile');
      expectToken(sample, 24, 'UID', 'variable.other.dockerfile');
      expectToken(sample, 24, 'GID', 'variable.other.dockerfile');
      expectToken(sample, 24, ':', 'punctuation.separator.user-group.dockerfile');
    });

    it('does not expand an escaped dollar, nor anything inside single quotes', () => {
      const doc = text("ENV A=\\$HOME B='$HOME'\n");
      expectToken(doc, 1, '\\$', 'constant.character.escape.dockerfile');
      expectNoScope(doc, 1, 'HOME', 'variable.other.dockerfile');
      expectScope(doc, 1, "'$HOME'", 'string.quoted.single.dockerfile');
      expectNoScope(doc, 1, 'HOME', 'variable.other.dockerfile', 1);
    });
  });

  describe('ENV, ARG, LABEL and the other arguments', () => {
    it('scopes an ARG name and its default', () => {
      expectToken(sample, 5, 'NODE_VERSION', 'variable.other.arg.dockerfile');
      expectToken(sample, 5, '=', 'keyword.operator.assignment.dockerfile');
      expectToken(sample, 5, '20', 'string.unquoted.value.dockerfile');
    });

    it('scopes ENV key=value pairs across continuation lines', () => {
      expectToken(sample, 17, 'NODE_ENV', 'variable.other.env.dockerfile');
      expectToken(sample, 17, 'production', 'string.unquoted.value.dockerfile');
      expectToken(sample, 17, '\\', 'constant.character.escape.line-continuation.dockerfile');
      expectToken(sample, 18, 'GREETING', 'variable.other.env.dockerfile');
      expectToken(sample, 18, '\\"', 'constant.character.escape.dockerfile');
      expectToken(sample, 19, 'PLAIN', 'variable.other.env.dockerfile');
      expectToken(sample, 19, '\\ ', 'constant.character.escape.dockerfile');
    });

    it('scopes the legacy `ENV key value` form', () => {
      expectToken(sample, 20, 'LEGACY_KEY', 'variable.other.env.dockerfile');
      expectScope(sample, 20, 'legacy value with spaces', 'string.unquoted.value.dockerfile');
    });

    it('scopes LABEL keys, quoted or not, and their values', () => {
      expectToken(sample, 21, 'org.opencontainers.image.source', 'entity.other.attribute-name.label.dockerfile');
      expectScope(sample, 21, '"https://github.com/example/app"', 'string.quoted.double.dockerfile');
      expectScope(sample, 21, '"com.example.quoted"', 'entity.other.attribute-name.label.dockerfile');
      expectScope(sample, 21, "'v'", 'string.quoted.single.dockerfile');
    });

    it('scopes EXPOSE ports, ranges and protocols', () => {
      expectToken(sample, 22, '8080', 'constant.numeric.port.dockerfile');
      expectToken(sample, 22, 'tcp', 'constant.language.protocol.dockerfile');
      expectToken(sample, 22, '-', 'punctuation.separator.range.dockerfile');
      expectToken(sample, 22, 'udp', 'constant.language.protocol.dockerfile');
    });

    it('scopes a STOPSIGNAL signal name', () => {
      expectToken(sample, 28, 'SIGTERM', 'constant.language.signal.dockerfile');
    });
  });

  describe('shell form and line continuations', () => {
    it('embeds the shell in `RUN apt-get install -y curl`', () => {
      expectScope(sample, 14, 'apt-get install -y curl', SHELL_LINE);
      expectToken(sample, 14, 'apt-get', 'entity.name.command.shell');
      expectNoScope(sample, 14, 'RUN', SHELL_LINE);
    });

    it('runs the shell region over continuation lines, after flags on their own lines', () => {
      expectNoScope(sample, 8, '--mount', SHELL_LINE);
      expectToken(sample, 8, '\\', 'constant.character.escape.line-continuation.dockerfile');
      expectToken(sample, 10, 'apt-get', 'entity.name.command.shell');
      expectScope(sample, 10, 'apt-get update', SHELL_LINE);
      expectScope(sample, 11, 'curl ca-certificates', SHELL_LINE);
      expectScope(sample, 13, 'rm -rf', SHELL_LINE);
      expectScope(sample, 13, 'rm -rf', 'meta.instruction.run.dockerfile');
    });

    it('keeps a comment line inside a continuation as a Dockerfile comment, without ending the instruction', () => {
      expectScope(sample, 12, '# comment lines', 'comment.line.number-sign.dockerfile');
      expectScope(sample, 12, '# comment lines', 'meta.instruction.run.dockerfile');
      expectScope(sample, 13, '&&', 'meta.instruction.run.dockerfile');
    });

    it('ends the shell region at the first line that does not end in a backslash', () => {
      expectToken(sample, 14, 'RUN', KEYWORD);
      const [run] = tokensOver(sample, 14, 'RUN');
      assert.deepEqual(run?.scopes, ['source.dockerfile.berth', 'meta.instruction.run.dockerfile', KEYWORD]);
      expectNoScope(sample, 15, 'COPY', SHELL_LINE);
    });

    it('continues over trailing blanks after the backslash and over blank lines, and stops otherwise', () => {
      const doc = text('RUN echo a \\  \n\n    && echo b\nRUN echo c   \nFROM alpine\n');
      expectScope(doc, 3, '&& echo b', SHELL_LINE);
      expectScope(doc, 3, '&& echo b', 'meta.instruction.run.dockerfile');
      expectToken(doc, 4, 'RUN', KEYWORD);
      expectToken(doc, 5, 'FROM', KEYWORD);
      expectNoScope(doc, 5, 'FROM', SHELL_LINE);
    });

    it('cuts a shell construct left open at the next line that starts an instruction', () => {
      const doc = text('RUN echo "never closed\nWORKDIR /app\nCMD echo "again\n\nonbuild run echo lower\n');
      expectScope(doc, 1, 'never closed', 'string.quoted.double.shell');
      expectToken(doc, 2, 'WORKDIR', KEYWORD);
      expectNoScope(doc, 2, '/app', SHELL_LINE);
      expectToken(doc, 5, 'onbuild', KEYWORD);
      expectToken(doc, 5, 'run', KEYWORD);
    });

    it('keeps `env X=1 cmd` on a continuation line as shell, and reads a lower-case ENV after a RUN as an instruction', () => {
      const doc = text('RUN echo a && \\\n    env FOO=1 cmd\nenv A=1\n');
      expectScope(doc, 2, 'env FOO=1 cmd', SHELL_LINE);
      expectNoScope(doc, 2, 'env', KEYWORD);
      expectToken(doc, 3, 'env', KEYWORD);
      expectToken(doc, 3, 'A', 'variable.other.env.dockerfile');
    });

    it('embeds the shell in the shell form of CMD, ENTRYPOINT and HEALTHCHECK CMD', () => {
      expectScope(sample, 31, 'docker-entrypoint.sh --verbose', SHELL_LINE);
      expectToken(sample, 25, 'CMD', KEYWORD);
      expectScope(sample, 25, 'curl -f http://localhost/ || exit 1', SHELL_LINE);
      expectScope(sample, 34, 'echo lower-case', SHELL_LINE);
    });
  });

  describe('heredocs', () => {
    it('scopes `RUN <<EOF`: the operator, the delimiter and a shell body', () => {
      expectToken(heredoc, 3, '<<', 'keyword.operator.heredoc.dockerfile');
      expectToken(heredoc, 3, 'EOF', DELIMITER);
      expectScope(heredoc, 4, 'set -eux', SHELL_BLOCK);
      expectToken(heredoc, 4, 'set', 'entity.name.command.shell');
      expectScope(heredoc, 5, 'echo', SHELL_BLOCK);
    });

    it('closes the heredoc at its delimiter even inside an unclosed shell string', () => {
      expectToken(heredoc, 6, 'EOF', DELIMITER);
      expectNoScope(heredoc, 6, 'EOF', SHELL_BLOCK);
      expectToken(heredoc, 7, 'RUN', KEYWORD);
    });

    it('accepts a tab-indented delimiter after `<<-`', () => {
      expectToken(heredoc, 7, '--mount', 'entity.other.attribute-name.flag.dockerfile');
      expectToken(heredoc, 7, '-', 'keyword.operator.heredoc.dockerfile', 2);
      expectToken(heredoc, 7, 'EOT', DELIMITER);
      expectScope(heredoc, 8, 'apk add', SHELL_BLOCK);
      expectToken(heredoc, 9, 'EOT', DELIMITER);
    });

    it('does not accept a tab-indented delimiter after `<<`', () => {
      expectScope(heredoc, 34, 'EOF', 'string.unquoted.heredoc.dockerfile');
      expectNoScope(heredoc, 34, 'EOF', DELIMITER);
      expectToken(heredoc, 35, 'EOF', DELIMITER);
    });

    it('reads the heredoc of `python3 <<\'PY\'` as data, with no expansion for a quoted delimiter', () => {
      expectScope(heredoc, 10, 'python3', SHELL_LINE);
      expectToken(heredoc, 10, "'", 'punctuation.definition.string.begin.dockerfile');
      expectToken(heredoc, 10, 'PY', DELIMITER);
      expectScope(heredoc, 10, '> /tmp/out.txt', SHELL_LINE);
      expectScope(heredoc, 11, 'print("$HOME stays literal")', 'string.unquoted.heredoc.dockerfile');
      expectNoScope(heredoc, 11, 'print', SHELL_BLOCK);
      expectNoScope(heredoc, 11, 'HOME', 'variable');
      expectToken(heredoc, 12, 'PY', DELIMITER);
    });

    it('scopes `COPY <<EOF /dest`, expanding variables in the body', () => {
      expectToken(heredoc, 13, 'COPY', KEYWORD);
      expectToken(heredoc, 13, 'EOF', DELIMITER);
      expectScope(heredoc, 14, 'key=', 'string.unquoted.heredoc.dockerfile');
      expectToken(heredoc, 14, 'VALUE', 'variable.other.dockerfile');
      expectToken(heredoc, 15, 'EOF', DELIMITER);
    });

    it('handles two heredocs opened on one line', () => {
      expectToken(heredoc, 16, 'FIRST', DELIMITER);
      expectToken(heredoc, 16, 'SECOND', DELIMITER);
      expectScope(heredoc, 17, 'first $A', 'string.unquoted.heredoc.dockerfile');
      expectNoScope(heredoc, 17, '$A', 'variable');
      expectToken(heredoc, 18, 'FIRST', DELIMITER);
      expectScope(heredoc, 19, 'second', 'string.unquoted.heredoc.dockerfile');
      expectToken(heredoc, 19, 'B', 'variable.other.dockerfile');
      expectToken(heredoc, 20, 'SECOND', DELIMITER);
      expectToken(heredoc, 21, 'RUN', KEYWORD);
    });

    it('handles two heredocs feeding two commands in one RUN', () => {
      expectToken(heredoc, 36, 'FILE1', DELIMITER);
      expectToken(heredoc, 36, 'cat', 'entity.name.command.shell');
      expectToken(heredoc, 36, 'FILE2', DELIMITER);
      expectScope(heredoc, 37, 'I am', 'string.unquoted.heredoc.dockerfile');
      expectToken(heredoc, 38, 'FILE1', DELIMITER);
      expectScope(heredoc, 39, 'second', 'string.unquoted.heredoc.dockerfile');
      expectToken(heredoc, 40, 'FILE2', DELIMITER);
      expectToken(heredoc, 41, 'USER', KEYWORD);
    });

    it('does not highlight a script with a non-shell shebang as shell', () => {
      expectScope(heredoc, 22, '#!/usr/bin/env python3', 'comment.line.shebang.dockerfile');
      expectNoScope(heredoc, 23, 'print', SHELL_BLOCK);
      expectToken(heredoc, 24, 'EOF', DELIMITER);
    });

    it('reads a heredoc fed to `bash -ex` as a shell script', () => {
      expectScope(heredoc, 25, 'bash -ex', SHELL_LINE);
      expectToken(heredoc, 25, 'SCRIPT', DELIMITER);
      expectScope(heredoc, 26, 'echo from bash', SHELL_BLOCK);
      expectToken(heredoc, 27, 'SCRIPT', DELIMITER);
    });

    it('does not open a heredoc for `<<` inside a quoted string', () => {
      expectNoScope(heredoc, 28, 'NOT_A_HEREDOC', DELIMITER);
      expectScope(heredoc, 28, 'echo done', SHELL_LINE);
      expectToken(heredoc, 29, 'WORKDIR', KEYWORD);
    });

    it('closes only at a line that is the delimiter alone', () => {
      expectScope(heredoc, 31, 'EOF is the delimiter', SHELL_BLOCK);
      expectNoScope(heredoc, 31, 'EOF', DELIMITER);
      expectToken(heredoc, 32, 'EOF', DELIMITER);
    });
  });

  describe('the escape directive', () => {
    it('makes the backtick the line continuation after `# escape=`', () => {
      expectToken(backtick, 1, '`', 'constant.character.escape.directive-value.dockerfile');
      expectToken(backtick, 2, 'syntax', 'keyword.control.directive.dockerfile');
      expectToken(backtick, 4, '`', 'constant.character.escape.line-continuation.dockerfile');
      expectScope(backtick, 5, 'Write-Host', 'meta.instruction.run.dockerfile');
      expectToken(backtick, 6, 'COPY', KEYWORD);
    });

    it('leaves backslashes alone, and does not embed bash, after `# escape=`', () => {
      expectNoScope(backtick, 5, '\\', 'constant.character.escape');
      expectNoScope(backtick, 6, '\\', 'constant.character.escape');
      expectNoScope(backtick, 4, 'powershell', SHELL_LINE);
      expectScope(backtick, 4, 'powershell', 'meta.shell-form.dockerfile');
    });

    it('treats a later `# escape=` line as a comment', () => {
      expectScope(backtick, 7, '# escape=\\', 'comment.line.number-sign.dockerfile');
      expectToken(backtick, 8, 'WORKDIR', KEYWORD);
    });

    it('does not treat a backtick as a continuation without the directive', () => {
      const doc = text('RUN echo `\nFROM alpine\n');
      expectNoScope(doc, 1, '`', 'constant.character.escape.line-continuation.dockerfile');
      expectToken(doc, 2, 'FROM', KEYWORD);
    });
  });
});

describe('dockerignore grammar', () => {
  let doc: Doc;

  before(async () => {
    const grammar = await loadGrammar('source.dockerignore', SHELL_STANDIN);
    doc = fixture(grammar, 'sample.dockerignore');
  });

  it('scopes a comment', () => {
    expectScope(doc, 1, '# Build context exclusions', 'comment.line.number-sign.dockerignore');
    expectToken(doc, 1, '#', 'punctuation.definition.comment.dockerignore');
  });

  it('scopes a plain pattern', () => {
    expectToken(doc, 2, 'node_modules', 'string.unquoted.pattern.dockerignore');
  });

  it('scopes ** and * as different wildcards, and / as a separator', () => {
    expectToken(doc, 3, '**', 'keyword.operator.glob.globstar.dockerignore');
    expectToken(doc, 3, '/', 'punctuation.separator.path.dockerignore');
    expectToken(doc, 3, '*', 'keyword.operator.glob.wildcard.dockerignore', 2);
  });

  it('scopes the negation !, also after leading blanks', () => {
    expectToken(doc, 4, '!', 'keyword.operator.negation.dockerignore');
    expectScope(doc, 4, 'important.log', 'meta.pattern.negated.dockerignore');
    expectToken(doc, 10, '!', 'keyword.operator.negation.dockerignore');
    expectToken(doc, 10, '**', 'keyword.operator.glob.globstar.dockerignore');
  });

  it('reads # after a leading blank as part of a pattern', () => {
    expectNoScope(doc, 5, '# not a comment', 'comment');
    expectScope(doc, 5, '# not a comment', 'string.unquoted.pattern.dockerignore');
  });

  it('scopes ? as a single-character wildcard', () => {
    expectToken(doc, 6, '?', 'keyword.operator.glob.single-character.dockerignore');
  });

  it('scopes character classes, ranges and negated classes', () => {
    expectToken(doc, 7, '[', 'punctuation.definition.character-class.begin.dockerignore');
    expectToken(doc, 7, '-', 'punctuation.separator.range.dockerignore');
    expectScope(doc, 7, 'a-c', 'constant.other.character-class.range.dockerignore');
    expectToken(doc, 7, ']', 'punctuation.definition.character-class.end.dockerignore');
    expectToken(doc, 8, '^', 'keyword.operator.negation.dockerignore');
    expectToken(doc, 8, 'x', 'constant.other.character-class.dockerignore');
  });

  it('scopes an escaped wildcard as an escape, not a wildcard', () => {
    expectToken(doc, 9, '\\*', 'constant.character.escape.dockerignore');
    expectNoScope(doc, 9, '\\*', 'keyword.operator.glob');
  });
});

describe('grammar files', () => {
  it('declare the scope names the extension contributes', () => {
    const dockerfile = JSON.parse(readFileSync(DOCKERFILE_GRAMMAR, 'utf8')) as { scopeName: string };
    const dockerignore = JSON.parse(readFileSync(DOCKERIGNORE_GRAMMAR, 'utf8')) as { scopeName: string };
    assert.equal(dockerfile.scopeName, 'source.dockerfile.berth');
    assert.equal(dockerignore.scopeName, 'source.dockerignore');
  });

  it('give .dockerignore files # as their line comment', () => {
    const config = JSON.parse(readFileSync(repoPath('syntaxes', 'dockerignore.language-configuration.json'), 'utf8')) as { comments?: { lineComment?: string } };
    assert.equal(config.comments?.lineComment, '#');
  });
});

describe('grammar generator', () => {
  it('syntaxes/dockerfile.tmLanguage.json is exactly what test/tools/dockerfileGrammar.cjs generates', () => {
    const out = join(tmpdir(), `berth-grammar-${process.pid}.json`);
    execFileSync(process.execPath, [repoPath('test', 'tools', 'dockerfileGrammar.cjs'), out]);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(DOCKERFILE_GRAMMAR, 'utf8'), 'run `npm run grammar` after editing the generator');
  });
});
