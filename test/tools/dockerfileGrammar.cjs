// Generates syntaxes/dockerfile.tmLanguage.json: `npm run grammar`. The grammar file is output;
// edit this generator, not the JSON (test/unit/grammar.test.ts checks that they agree).
'use strict';
const fs = require('fs');
const r = String.raw;

const DIR_KEYS = r`(?i:syntax|escape|check)`;
const DIRLINE = r`[ \t]*#[ \t]*${DIR_KEYS}[ \t]*=`;
// A heredoc delimiter word: no blanks, quotes, redirections or the escape characters; never starts with '-'.
const DW = r`[^\s"'<>|&;()\x60\\\-][^\s"'<>|&;()\x60\\]*`;
const HW = r`(?<!\S)\d*<<-?["']?${DW}`; // start of a heredoc word
const SHELLS = r`(?:/usr)?(?:/bin/)?(?:ba|da|z|k|a|mk)?sh`;
const DURATION = r`(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+`;

const INSTRUCTIONS = ['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'EXPOSE', 'VOLUME', 'USER', 'WORKDIR', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'STOPSIGNAL', 'MAINTAINER'];

function build(mode) {
  const bt = mode === 'bt';
  const sfx = bt ? '-bt' : '';
  const E = bt ? '`' : r`\\`; // the escape character, as a regex atom
  const EC = bt ? '`' : r`\\`; // ... inside a character class
  const CONT = r`${E}[ \t]*$`;
  // Shell words up to a heredoc word: quoted strings and comments hide `<<`.
  const BAL = r`(?:[^"'${EC}\n#]|(?<!\s)#|${E}.|"(?:[^"${EC}\n]|${E}.)*"|'[^'\n]*')`;
  // End of an instruction: end of a line whose last non-blank character is not the escape character.
  // Blank lines (which BuildKit skips inside a continuation) never match.
  const ENDX = r`(?<=[^\s${EC}][ \t]*)$`;
  // A line that starts an instruction (see shell-form); an instruction also ends there.
  const KW_CUT = r`(?:FROM|ENV|(?i:${INSTRUCTIONS.filter((k) => !['FROM', 'ENV'].includes(k)).join('|')}))`;
  const NOT_INSTRUCTION_LINE = r`^(?![ \t]*${KW_CUT}[ \t]+\S)`;
  const INSTRUCTION_END = r`${ENDX}|^(?=[ \t]*${KW_CUT}[ \t]+\S)`;
  const inc = (n) => ({ include: `#${n}${sfx}` });
  const R = {};
  const KW = 'keyword.other.special-method.dockerfile';
  const DELIM = 'keyword.control.heredoc-delimiter.dockerfile';

  const instr = (kw, id, patterns, extra = {}) => {
    R[`instruction-${id}${sfx}`] = {
      name: `meta.instruction.${id}.dockerfile`,
      ...(id === 'run' && !bt ? { comment: 'Instructions end at the end of a line whose last non-blank character is not the escape character (blank lines inside a continuation do not end them), or at a line that starts another instruction.' } : {}),
      begin: r`(?:^|\G)[ \t]*((?i:${kw}))(?=\s)`,
      beginCaptures: { 1: { name: KW } },
      end: INSTRUCTION_END,
      patterns,
      ...extra,
    };
  };

  // ---- basic pieces -------------------------------------------------------
  R[`line-continuation${sfx}`] = {
    match: r`${E}[ \t]*$`,
    name: 'constant.character.escape.line-continuation.dockerfile',
  };
  // Comment lines inside a continued instruction are dropped by the parser: the instruction goes on.
  R[`continuation-comment${sfx}`] = {
    comment: 'A comment line inside a continued instruction: the parser drops it and the instruction goes on, so the newline is consumed too.',
    match: r`(?:^|(?<=^[ \t]+))[ \t]*((#).*)\n`,
    captures: { 1: { name: 'comment.line.number-sign.dockerfile' }, 2: { name: 'punctuation.definition.comment.dockerfile' } },
  };
  R[`escape${sfx}`] = {
    match: r`${E}(?![ \t]*$).`,
    name: 'constant.character.escape.dockerfile',
  };
  R[`variable${sfx}`] = {
    patterns: [
      {
        name: 'meta.interpolation.variable.dockerfile',
        begin: r`(\$)(\{)`,
        beginCaptures: { 0: { name: 'punctuation.definition.variable.begin.dockerfile' } },
        end: r`(\})|(?=$)`,
        endCaptures: { 1: { name: 'punctuation.definition.variable.end.dockerfile' } },
        patterns: [
          { match: r`\G[A-Za-z_][A-Za-z0-9_]*`, name: 'variable.other.dockerfile' },
          { match: r`:?[-+?]|#{1,2}|%{1,2}|/{1,2}`, name: 'keyword.operator.expansion.dockerfile' },
          inc('variable'),
          inc('escape'),
          { match: r`[^}$${EC}:+?#%/-]+`, name: 'string.unquoted.expansion.dockerfile' },
        ],
      },
      {
        match: r`(\$)([A-Za-z_][A-Za-z0-9_]*)`,
        name: 'variable.other.dockerfile',
        captures: { 1: { name: 'punctuation.definition.variable.dockerfile' } },
      },
    ],
  };
  R[`string${sfx}`] = {
    patterns: [
      {
        name: 'string.quoted.double.dockerfile',
        begin: '"',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
        end: r`(")|(?=$)`,
        endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
        patterns: [inc('escape'), inc('variable')],
      },
      {
        name: 'string.quoted.single.dockerfile',
        begin: "'",
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
        end: r`(')|(?=$)`,
        endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
      },
    ],
  };
  // Arguments that the Dockerfile itself expands (everything but RUN, CMD and ENTRYPOINT).
  R[`arguments${sfx}`] = { patterns: [inc('string'), inc('escape'), inc('variable')] };

  // ---- flags: --name or --name=value ----------------------------------------
  R[`flag${sfx}`] = {
    name: 'meta.flag.dockerfile',
    begin: r`(?<!\S)(--[A-Za-z0-9][\w-]*)(?:(=)|(?=\s))`,
    beginCaptures: {
      1: { name: 'entity.other.attribute-name.flag.dockerfile' },
      2: { name: 'keyword.operator.assignment.dockerfile' },
    },
    end: r`(?=\s)`,
    contentName: 'string.unquoted.flag-value.dockerfile',
    patterns: [
      // --mount=type=cache,target=/x : one key=value list
      {
        match: r`(?<=[=,])([A-Za-z][\w-]*)(=)`,
        captures: { 1: { name: 'variable.parameter.flag-option.dockerfile' }, 2: { name: 'keyword.operator.assignment.dockerfile' } },
      },
      { match: ',', name: 'punctuation.separator.comma.dockerfile' },
      { match: r`(?<==)${DURATION}(?=\s|$)`, name: 'constant.numeric.duration.dockerfile' },
      { match: r`(?<==)\d+(?=\s|$)`, name: 'constant.numeric.integer.dockerfile' },
      inc('string'),
      inc('escape'),
      inc('variable'),
    ],
  };

  // ---- exec form ["executable", "param"] -----------------------------------
  const execForm = (id, withVariables) => {
    R[`${id}${sfx}`] = {
      name: 'meta.exec-form.dockerfile',
      begin: r`(?<!\S)(\[)(?=[ \t]*(?:"|\]|${E}[ \t]*$))`,
      beginCaptures: { 1: { name: 'punctuation.definition.array.begin.dockerfile' } },
      end: r`(\])|${ENDX}`,
      endCaptures: { 1: { name: 'punctuation.definition.array.end.dockerfile' } },
      patterns: [
        inc('continuation-comment'),
        inc('line-continuation'),
        {
          name: 'string.quoted.double.dockerfile',
          begin: '"',
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.dockerfile' } },
          end: r`(")|(?=$)`,
          endCaptures: { 1: { name: 'punctuation.definition.string.end.dockerfile' } },
          patterns: [
            { match: r`\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4})`, name: 'constant.character.escape.dockerfile' },
            { match: r`\\.`, name: 'invalid.illegal.unrecognized-string-escape.dockerfile' },
            ...(withVariables ? [inc('variable')] : []),
          ],
        },
        { match: ',', name: 'punctuation.separator.array.dockerfile' },
        { match: r`[^\s,\]"${EC}]+`, name: 'invalid.illegal.expected-string.dockerfile' },
      ],
    };
  };
  execForm('exec-form', false);
  execForm('exec-form-expanded', true);

  // ---- shell form ------------------------------------------------------------
  R[`shell-form${sfx}`] = bt
    ? {
        // With `# escape=\`` the shell is usually cmd or PowerShell: no bash highlighting.
        name: 'meta.shell-form.dockerfile',
        begin: r`(?=\S)`,
        end: ENDX,
        patterns: [inc('continuation-comment'), inc('line-continuation'), inc('string')],
      }
    : {
        // A guard around the shell: a construct the shell grammar leaves open (its if-block, say, after
        // `; \` and `fi`) is cut at the next line that starts an instruction, which the while below sees
        // before any rule of the shell grammar. Lower-case `from` and `env` do not cut it (Python's
        // `from x import y` in a heredoc, `env X=1 cmd` on a continuation line); a lower-case instruction
        // that follows is tokenized inside the guard instead.
        comment: 'Guard around the shell: a construct the shell grammar leaves open is cut at the next line that starts an instruction (not lower-case from/env: Python imports in heredocs, env on continuation lines); a lower-case instruction after the command is tokenized inside the guard.',
        begin: r`(?=\S)`,
        while: NOT_INSTRUCTION_LINE,
        patterns: [
          inc('continuation-comment'),
          { begin: r`^(?=[ \t]*(?i:${INSTRUCTIONS.join('|')})\s)`, end: INSTRUCTION_END, patterns: [inc('instructions')] },
          {
            name: 'meta.embedded.line.shell',
            begin: r`(?=\S)`,
            end: ENDX,
            patterns: [inc('continuation-comment'), inc('line-continuation'), inc('heredoc-command'), { include: '#shell-statement-start' }, { include: 'source.shell' }],
          },
        ],
      };
  const shellChunk = bt
    ? { name: 'meta.shell-form.dockerfile', patterns: [inc('string')] }
    : { name: 'meta.embedded.line.shell', patterns: [{ include: '#shell-statement-start-chunk' }, { include: 'source.shell' }] };

  // ---- heredocs ----------------------------------------------------------------
  // Structure: an outer begin/end rule that knows the delimiter (captured in a look-ahead) and scopes the
  // closing line; inside it a begin/while rule that consumes the opening word and stops, whatever the
  // embedded grammar left open, at the line that closes the heredoc.
  const closeLine = (dash, ref) => (dash ? r`^\t*(${ref})[ \t]*$` : r`^(${ref})[ \t]*$`);
  const notCloseLine = (dash, ref) => (dash ? r`^(?!\t*${ref}[ \t]*$)` : r`^(?!${ref}[ \t]*$)`);
  const openerCaptures = { 1: { name: 'constant.numeric.file-descriptor.dockerfile' }, 2: { name: 'keyword.operator.heredoc.dockerfile' } };
  const markerWord = (fam) => ({
    match: r`(?<!\S)(\d*)(<<)(-?)(["']?)(${DW})(\4)`,
    captures: {
      1: { name: 'constant.numeric.file-descriptor.dockerfile' },
      2: { name: 'keyword.operator.heredoc.dockerfile' },
      3: { name: 'keyword.operator.heredoc.dockerfile' },
      4: { name: 'punctuation.definition.string.begin.dockerfile' },
      5: { name: DELIM },
      6: { name: 'punctuation.definition.string.end.dockerfile' },
    },
  });
  R[`heredoc-marker${sfx}`] = markerWord();
  R[`heredoc-header-run${sfx}`] = {
    // the rest of the opening line, after the delimiter word
    match: r`\G(?<=\S)(.+)$`,
    captures: {
      1: {
        patterns: [
          inc('heredoc-marker'),
          { match: r`(?:(?!${HW}).)+`, captures: { 0: shellChunk } },
        ],
      },
    },
  };
  R[`heredoc-header-copy${sfx}`] = {
    match: r`\G(?<=\S)(.+)$`,
    captures: { 1: { patterns: [inc('heredoc-marker'), inc('arguments')] } },
  };
  const bodyLine = (expand) => ({
    name: 'string.unquoted.heredoc.dockerfile',
    begin: r`^(?=.)`,
    end: '$',
    patterns: expand ? [inc('escape'), inc('variable')] : [],
  });
  R[`heredoc-body-line${sfx}`] = bodyLine(false);
  R[`heredoc-body-line-expanded${sfx}`] = bodyLine(true);

  const openerBody = (kind, header) => {
    // kind: script | data; returns the begin/while rules for quoted and unquoted delimiters
    const delimCaps = (q) =>
      q
        ? { 1: { name: 'keyword.operator.heredoc.dockerfile' }, 2: { name: 'punctuation.definition.string.begin.dockerfile' }, 3: { name: DELIM }, 4: { name: 'punctuation.definition.string.end.dockerfile' } }
        : { 1: { name: 'keyword.operator.heredoc.dockerfile' }, 2: { name: DELIM } };
    return (dash) => {
      const rules = [];
      for (const q of [true, false]) {
        const begin = q ? r`\G(-?)(["'])(${DW})(\2)` : r`\G(-?)(${DW})`;
        const ref = q ? r`\3` : r`\2`;
        let patterns;
        if (kind === 'script' && !bt) {
          patterns = [
            {
              // #!/usr/bin/env python3 : the body is not a shell script
              name: 'meta.heredoc.script.dockerfile',
              begin: r`^(?=#!(?!.*\b${SHELLS}\b))`,
              end: '(?!)',
              patterns: [{ match: r`\G#!.*$`, name: 'comment.line.shebang.dockerfile' }],
            },
            {
              name: 'meta.embedded.block.shell',
              begin: '^',
              end: '(?!)',
              patterns: [{ include: 'source.shell' }],
            },
          ];
        } else {
          patterns = [inc(header), inc(q ? 'heredoc-body-line' : 'heredoc-body-line-expanded')];
        }
        rules.push({ begin, beginCaptures: delimCaps(q), while: notCloseLine(dash, ref), patterns });
      }
      return rules;
    };
  };

  const heredocRule = (key, { kind, header, dash, anchor, requireAlone }) => {
    const lead = anchor ? r`\G` : r`(?<!\S)`;
    const tail = requireAlone ? r`[ \t]*$` : '';
    R[`${key}${sfx}`] = {
      name: 'meta.heredoc.dockerfile',
      ...(key === 'heredoc-run-script-plain' && !bt
        ? { comment: 'The outer rule captures the delimiter in a look-ahead and scopes the closing line; the inner begin/while rule consumes the opening word and stops at the closing line whatever an embedded grammar left open.' }
        : {}),
      begin: r`${lead}(\d*)(<<)(?=${dash ? '-' : ''}(["']?)(${DW})\3${tail})`,
      beginCaptures: openerCaptures,
      end: closeLine(dash, r`\4`),
      endCaptures: { 1: { name: DELIM } },
      patterns: openerBody(kind, header)(dash),
    };
  };
  // Two heredocs opened on one line: the outer rule waits for the second delimiter, the first heredoc
  // runs inside it, and the lines between the two closing lines are the second body.
  const twoHeredocs = (key, fam, header) => {
    const inner = [];
    for (const dash of [true, false]) {
      const k = `${key}-first-${dash ? 'dash' : 'plain'}`;
      heredocRule(k, { kind: 'data', header, dash, anchor: true });
      inner.push(inc(k));
    }
    const rules = [];
    for (const dash2 of [true, false]) {
      const k = `${key}-${dash2 ? 'dash' : 'plain'}`;
      R[`${k}${sfx}`] = {
        name: 'meta.heredoc.dockerfile',
        ...(k === 'heredoc-run-pair-plain' && !bt
          ? { comment: 'Two heredocs opened on one line: this rule waits for the second delimiter, the first heredoc runs inside it, and the lines between the two closing lines are the second body.' }
          : {}),
        begin: r`(?<!\S)(?=\d*<<-?(["']?)${DW}\1${BAL}*?(?<!\S)\d*<<${dash2 ? '-' : '(?!-)'}(["']?)(${DW})\2)`,
        end: closeLine(dash2, r`\3`),
        endCaptures: { 1: { name: DELIM } },
        patterns: [...inner, inc('heredoc-body-line-expanded')],
      };
      rules.push(inc(k));
    }
    return rules;
  };

  const runHeredocs = [...twoHeredocs('heredoc-run-pair', 'run', 'heredoc-header-run')];
  for (const dash of [true, false]) {
    const k = `heredoc-run-script-${dash ? 'dash' : 'plain'}`;
    heredocRule(k, { kind: 'script', header: 'heredoc-header-run', dash, requireAlone: true });
    runHeredocs.push(inc(k));
  }
  for (const dash of [true, false]) {
    const k = `heredoc-run-data-${dash ? 'dash' : 'plain'}`;
    heredocRule(k, { kind: 'data', header: 'heredoc-header-run', dash });
    runHeredocs.push(inc(k));
  }
  R[`heredoc-run${sfx}`] = { patterns: runHeredocs };
  // Data-only heredocs, for a heredoc that follows a command (`python3 <<EOF`).
  R[`heredoc-run-data${sfx}`] = { patterns: runHeredocs.filter((p) => !/script/.test(p.include)) };

  const copyHeredocs = [...twoHeredocs('heredoc-copy-pair', 'copy', 'heredoc-header-copy')];
  for (const dash of [true, false]) {
    const k = `heredoc-copy-${dash ? 'dash' : 'plain'}`;
    heredocRule(k, { kind: 'data', header: 'heredoc-header-copy', dash });
    copyHeredocs.push(inc(k));
  }
  R[`heredoc-copy${sfx}`] = { patterns: copyHeredocs };

  // `bash -e <<EOF` : a shell reads the heredoc as its script
  R[`heredoc-shell-command${sfx}`] = {
    match: r`(?<!\S)(${SHELLS}(?:[ \t]+-[-\w]+)*)[ \t]+(?=\d*<<-?(["']?)${DW}\2[ \t]*$)`,
    captures: { 1: shellChunk },
  };
  // `python3 <<EOF > out` : the command, then heredocs whose bodies are data
  R[`heredoc-command${sfx}`] = {
    begin: r`(?=\S)(?=${BAL}*?${HW})`,
    end: '$',
    patterns: [
      { match: r`\G${BAL}+?(?=${HW})`, captures: { 0: shellChunk } },
      inc('heredoc-run-data'),
    ],
  };

  // ---- command part of RUN, CMD, ENTRYPOINT -----------------------------------
  R[`command${sfx}`] = { patterns: [inc('exec-form'), inc('shell-form')] };

  // ---- FROM -----------------------------------------------------------------
  R[`image-reference${sfx}`] = {
    name: 'meta.image-reference.dockerfile',
    begin: r`(?<!\S)(?=[^\s\-#${EC}])(?!(?i:as)(?:\s|$))`,
    end: r`(?=\s)`,
    patterns: [
      { match: r`\Gscratch(?=\s)`, name: 'constant.language.scratch.dockerfile' },
      {
        match: r`\G(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]+(?::\d+)?|localhost(?::\d+)?|[A-Za-z0-9-]+:\d+|\[[0-9A-Fa-f:]+\](?::\d+)?)(?=/)`,
        name: 'entity.name.namespace.registry.dockerfile',
      },
      inc('variable'),
      {
        begin: r`(@)`,
        beginCaptures: { 1: { name: 'punctuation.separator.digest.dockerfile' } },
        end: r`(?=\s)`,
        contentName: 'constant.other.image.digest.dockerfile',
        patterns: [inc('variable')],
      },
      {
        begin: r`(:)`,
        beginCaptures: { 1: { name: 'punctuation.separator.tag.dockerfile' } },
        end: r`(?=[@\s])`,
        contentName: 'constant.other.image.tag.dockerfile',
        patterns: [inc('variable')],
      },
      { match: r`[^\s:@$${EC}]+`, name: 'entity.name.type.image.dockerfile' },
    ],
  };
  R[`stage-name${sfx}`] = {
    match: r`(?<!\S)((?i:as))(?:[ \t]+([^\s${EC}]\S*))?(?=\s)`,
    captures: { 1: { name: 'keyword.control.as.dockerfile' }, 2: { name: 'entity.name.function.stage.dockerfile' } },
  };
  instr('FROM', 'from', [inc('continuation-comment'), inc('line-continuation'), inc('flag'), inc('stage-name'), inc('image-reference')]);

  // ---- RUN ------------------------------------------------------------------
  instr('RUN', 'run', [
    inc('continuation-comment'),
    inc('line-continuation'),
    inc('flag'),
    inc('exec-form'),
    inc('heredoc-run'),
    inc('heredoc-shell-command'),
    inc('heredoc-command'),
    inc('shell-form'),
  ]);
  instr('CMD', 'cmd', [inc('continuation-comment'), inc('line-continuation'), inc('command')]);
  instr('ENTRYPOINT', 'entrypoint', [inc('continuation-comment'), inc('line-continuation'), inc('command')]);
  instr('SHELL', 'shell', [inc('continuation-comment'), inc('line-continuation'), inc('exec-form')]);

  // ---- COPY / ADD ------------------------------------------------------------
  for (const kw of ['COPY', 'ADD']) {
    instr(kw, kw.toLowerCase(), [
      inc('continuation-comment'),
      inc('line-continuation'),
      inc('flag'),
      inc('exec-form-expanded'),
      inc('heredoc-copy'),
      inc('arguments'),
    ]);
  }

  // ---- ENV / ARG / LABEL -------------------------------------------------------
  const kv = (key, keyName) => ({
    begin: r`(?<!\S)(${key})(=)`,
    beginCaptures: { 1: { name: keyName, patterns: [inc('string')] }, 2: { name: 'keyword.operator.assignment.dockerfile' } },
    end: r`(?=\s)`,
    contentName: 'string.unquoted.value.dockerfile',
    patterns: [inc('string'), inc('escape'), inc('variable')],
  });
  R[`env-pair${sfx}`] = kv(r`[^\s="'${EC}$]+`, 'variable.other.env.dockerfile');
  R[`env-legacy${sfx}`] = {
    // ENV KEY the rest of the line
    begin: r`\G[ \t]+([^\s="'${EC}$]+)(?=[ \t]+[^\s${EC}])`,
    beginCaptures: { 1: { name: 'variable.other.env.dockerfile' } },
    end: ENDX,
    contentName: 'string.unquoted.value.dockerfile',
    patterns: [inc('continuation-comment'), inc('line-continuation'), inc('arguments')],
  };
  instr('ENV', 'env', [inc('continuation-comment'), inc('line-continuation'), inc('env-legacy'), inc('env-pair'), inc('arguments')]);
  R[`arg-pair${sfx}`] = kv(r`[A-Za-z_][\w.-]*`, 'variable.other.arg.dockerfile');
  instr('ARG', 'arg', [
    inc('continuation-comment'),
    inc('line-continuation'),
    inc('arg-pair'),
    { match: r`(?<!\S)[A-Za-z_][\w.-]*(?=\s)`, name: 'variable.other.arg.dockerfile' },
    inc('arguments'),
  ]);
  R[`label-pair${sfx}`] = kv(r`"(?:[^"${EC}]|${E}.)*"|'[^']*'|[^\s="'${EC}]+`, 'entity.other.attribute-name.label.dockerfile');
  instr('LABEL', 'label', [inc('continuation-comment'), inc('line-continuation'), inc('label-pair'), inc('arguments')]);
  instr('MAINTAINER', 'maintainer', [inc('continuation-comment'), inc('line-continuation'), inc('arguments')]);

  // ---- EXPOSE / VOLUME / USER / WORKDIR / STOPSIGNAL ---------------------------
  instr('EXPOSE', 'expose', [
    inc('continuation-comment'),
    inc('line-continuation'),
    {
      match: r`(?<!\S)(\d+)(?:(-)(\d+))?(?:(/)((?i:tcp|udp|sctp)))?(?=\s)`,
      captures: {
        1: { name: 'constant.numeric.port.dockerfile' },
        2: { name: 'punctuation.separator.range.dockerfile' },
        3: { name: 'constant.numeric.port.dockerfile' },
        4: { name: 'punctuation.separator.protocol.dockerfile' },
        5: { name: 'constant.language.protocol.dockerfile' },
      },
    },
    inc('arguments'),
  ]);
  instr('VOLUME', 'volume', [inc('continuation-comment'), inc('line-continuation'), inc('exec-form-expanded'), inc('arguments')]);
  instr('USER', 'user', [
    inc('continuation-comment'),
    inc('line-continuation'),
    { match: ':', name: 'punctuation.separator.user-group.dockerfile' },
    inc('arguments'),
  ]);
  instr('WORKDIR', 'workdir', [inc('continuation-comment'), inc('line-continuation'), inc('arguments')]);
  instr('STOPSIGNAL', 'stopsignal', [
    inc('continuation-comment'),
    inc('line-continuation'),
    { match: r`(?<!\S)SIG[A-Z0-9]+(?:[+-]\d+)?(?=\s)`, name: 'constant.language.signal.dockerfile' },
    { match: r`(?<!\S)\d+(?=\s)`, name: 'constant.numeric.signal.dockerfile' },
    inc('arguments'),
  ]);

  // ---- HEALTHCHECK -------------------------------------------------------------
  R[`healthcheck-cmd${sfx}`] = {
    name: 'meta.healthcheck.command.dockerfile',
    begin: r`(?<!\S)((?i:CMD))(?=\s)`,
    beginCaptures: { 1: { name: KW } },
    end: INSTRUCTION_END,
    patterns: [inc('continuation-comment'), inc('line-continuation'), inc('command')],
  };
  instr('HEALTHCHECK', 'healthcheck', [
    inc('continuation-comment'),
    inc('line-continuation'),
    inc('flag'),
    { match: r`(?<!\S)(?i:NONE)(?=\s)`, name: 'constant.language.none.dockerfile' },
    inc('healthcheck-cmd'),
  ]);

  // ---- ONBUILD -----------------------------------------------------------------
  const nested = INSTRUCTIONS.filter((k) => !['ONBUILD', 'FROM', 'MAINTAINER'].includes(k));
  instr('ONBUILD', 'onbuild', [
    inc('continuation-comment'),
    inc('line-continuation'),
    { match: r`(?:^|\G)[ \t]*((?i:ONBUILD|FROM|MAINTAINER))(?=\s)`, captures: { 1: { name: 'invalid.illegal.onbuild.dockerfile' } } },
    ...nested.map((k) => inc(`instruction-${k.toLowerCase()}`)),
  ]);

  R[`instructions${sfx}`] = { patterns: INSTRUCTIONS.map((k) => inc(`instruction-${k.toLowerCase()}`)) };

  R[`comment${sfx}`] = {
    match: r`^[ \t]*((#).*$)`,
    captures: { 1: { name: 'comment.line.number-sign.dockerfile' }, 2: { name: 'punctuation.definition.comment.dockerfile' } },
  };
  return R;
}

// ---- parser directives (shared) -----------------------------------------------------
function shellStart() {
  const R = {};
  // The shell grammar starts a command only at the start of a line or after a separator; the command of a
  // shell-form instruction starts after the keyword, so open its first statement here and let the shell
  // grammar's own statement rules (when it has them) fill it in.
  const START = r`(?=[^\s;|&()\x60{}\[\]<>#!])(?!(?:if|then|else|elif|fi|for|in|do|done|while|until|case|esac|function|select|time|coproc)(?=[\s;]|$))`;
  const STMT_END = r`(?=[;|&)\x60{}\]\n]|[ \t]+#)(?<!\\)`;
  R['shell-statement-start'] = {
    comment: 'The shell grammar starts a command only at the start of a line or after a separator; open the first statement of a shell-form command here, filled by the shell grammar\'s statement rules when it has them (the rule is dropped when it does not).', begin: r`\G${START}`, end: STMT_END, patterns: [{ include: 'source.shell#typical_statements' }] };
  // In a piece of a line cut around heredoc words: only a plain word that does not follow a redirection.
  R['shell-statement-start-chunk'] = { begin: r`(?<!\S)(?<![<>][ \t])(?<![<>][ \t]{2})(?![-"'$])${START}`, end: STMT_END, patterns: [{ include: 'source.shell#typical_statements' }] };
  return R;
}

function directives() {
  const R = {};
  const head = (key) => r`^[ \t]*(#)[ \t]*(${key})[ \t]*(=)[ \t]*`;
  const caps = {
    1: { name: 'punctuation.definition.directive.dockerfile' },
    2: { name: 'keyword.control.directive.dockerfile' },
    3: { name: 'keyword.operator.assignment.dockerfile' },
  };
  R['directive-line'] = {
    patterns: [
      {
        name: 'meta.preprocessor.directive.dockerfile',
        match: r`${head('(?i:syntax)')}(\S*)[ \t]*\n`,
        captures: { ...caps, 4: { name: 'string.unquoted.directive-value.dockerfile', patterns: [{ include: '#directive-image' }] } },
      },
      {
        name: 'meta.preprocessor.directive.dockerfile',
        match: r`${head('(?i:escape)')}(?:([\\\x60])|(\S*))[ \t]*\n`,
        captures: { ...caps, 4: { name: 'constant.character.escape.directive-value.dockerfile' }, 5: { name: 'invalid.illegal.escape-directive.dockerfile' } },
      },
      {
        name: 'meta.preprocessor.directive.dockerfile',
        match: r`${head('(?i:check)')}(.*?)[ \t]*\n`,
        captures: {
          ...caps,
          4: {
            name: 'string.unquoted.directive-value.dockerfile',
            patterns: [
              { match: r`\b(skip|error)(=)`, captures: { 1: { name: 'variable.parameter.directive-option.dockerfile' }, 2: { name: 'keyword.operator.assignment.dockerfile' } } },
              { match: r`[;,]`, name: 'punctuation.separator.dockerfile' },
              { match: r`\b(?:true|false|all)\b`, name: 'constant.language.dockerfile' },
            ],
          },
        },
      },
    ],
  };
  R['directive-image'] = {
    match: r`([^:@\s]+)(?:(:)([^@\s]*))?(?:(@)(\S+))?`,
    captures: {
      1: { name: 'entity.name.type.image.dockerfile' },
      2: { name: 'punctuation.separator.tag.dockerfile' },
      3: { name: 'constant.other.image.tag.dockerfile' },
      4: { name: 'punctuation.separator.digest.dockerfile' },
      5: { name: 'constant.other.image.digest.dockerfile' },
    },
  };
  // Directives are only recognised before the first comment, blank line or instruction.
  R['directives'] = {
    comment: 'Parser directives are recognised only before the first comment, blank line or instruction.',
    begin: r`\A(?=${DIRLINE})`,
    end: r`^(?!${DIRLINE})(?=[\s\S])`,
    patterns: [{ include: '#escape-backtick' }, { include: '#directive-line' }],
  };
  // `# escape=\`` : the rest of the file uses the backtick as its escape character.
  R['escape-backtick'] = {
    comment: 'With the backtick as the escape character, the rest of the file uses the -bt rules, without bash highlighting (the shell is then usually cmd or PowerShell).',
    begin: r`^[ \t]*(#)[ \t]*((?i:escape))[ \t]*(=)[ \t]*(\x60)[ \t]*\n`,
    beginCaptures: {
      0: { name: 'meta.preprocessor.directive.dockerfile' },
      1: { name: 'punctuation.definition.directive.dockerfile' },
      2: { name: 'keyword.control.directive.dockerfile' },
      3: { name: 'keyword.operator.assignment.dockerfile' },
      4: { name: 'constant.character.escape.directive-value.dockerfile' },
    },
    end: '(?!)',
    patterns: [
      {
        // starts on the next line (not at the end of the directive's own line)
        begin: r`\G(?=[\s\S])`,
        end: '(?!)',
        patterns: [
          { begin: r`\G(?=${DIRLINE})`, while: r`^(?=${DIRLINE})`, patterns: [{ include: '#directive-line' }] },
          { include: '#comment-bt' },
          { include: '#instructions-bt' },
        ],
      },
    ],
  };
  return R;
}

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Dockerfile (Berth)',
  scopeName: 'source.dockerfile.berth',
  comment: 'Berth Dockerfile grammar. Parser directives, instructions with flags, image references, exec and shell forms (shell form and RUN heredoc scripts embed source.shell), variables, continuations and heredocs. Rules whose names end in -bt are the same rules for files whose escape directive chooses the backtick.',
  patterns: [{ include: '#directives' }, { include: '#comment' }, { include: '#instructions' }],
  repository: { ...directives(), ...build('bs'), ...shellStart(), ...build('bt') },
};
// ` is written as \x60 above to keep String.raw readable; JSON must carry the real character.
function flatFormat(value) {
  if (Array.isArray(value)) return `[${value.map(flatFormat).join(', ')}]`;
  if (value && typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${flatFormat(v)}`).join(', ')} }`;
  return JSON.stringify(value);
}
// Pretty-print, keeping small objects and arrays on one line.
function format(value, indent = '') {
  const flat = flatFormat(value);
  if (flat.length + indent.length <= 120 || value === null || typeof value !== 'object') return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) return `[\n${value.map((v) => inner + format(v, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(value).map(([k, v]) => `${inner}${JSON.stringify(k)}: ${format(v, inner + ' '.repeat(0))}`).join(',\n')}\n${indent}}`;
}
const json = format(grammar).replace(/\\\\x60/g, '`');
fs.writeFileSync(process.argv[2] ?? require("path").join(__dirname, "..", "..", "syntaxes", "dockerfile.tmLanguage.json"), json + "\n");

