import * as assert from 'node:assert/strict';
import { APT_RULES } from '../../src/lint/rules/apt';
import { applyFix, assertFixRemoves, assertRuleShapes, lint, ruleHelpers, spanText, where } from './lintHelpers';

const RULES = APT_RULES;

const { at, findings, firstFixed } = ruleHelpers(RULES);

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** A fully compliant install, for cases that must stay silent. */
const CLEAN = 'apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*';

describe('lint rules: apt', function () {
  this.timeout(20000);

  it('every rule has a code, one-line message and an explanation', () => {
    assert.deepEqual(assertRuleShapes(RULES), ['DL3008', 'DL3009', 'DL3014', 'DL3015', 'DL3027']);
  });

  it('uses the documented default severities', () => {
    const severity = Object.fromEntries(RULES.map((r) => [r.code, r.severity]));
    assert.deepEqual(severity, { DL3008: 'warning', DL3009: 'info', DL3014: 'warning', DL3015: 'info', DL3027: 'warning' });
  });

  it('a fully compliant Dockerfile has no findings', async () => {
    const text = lines('FROM debian:12', `RUN ${CLEAN}`, 'ONBUILD RUN ' + CLEAN, 'RUN <<EOF', CLEAN, 'EOF');
    assert.deepEqual(await lint(text, RULES), []);
  });

  describe('DL3008 apt-get install pinning', () => {
    it('flags each unpinned package, at the package', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 wget git=1:2.39.2-1.1');
      assert.deepEqual(await at('DL3008', text), ['DL3008@2:71']);
      const [finding] = await findings('DL3008', text);
      assert.ok(finding);
      assert.equal(spanText(text, finding), 'wget');
      assert.match(finding.message, /`wget`/);
      assert.equal(finding.severity, 'warning');
    });

    it('flags quoted package names with the quotes in the span', async () => {
      const text = lines('FROM debian:12', `RUN apt-get install -y --no-install-recommends "curl" 'wget'`);
      const found = await findings('DL3008', text);
      assert.deepEqual(where(text, found), ['DL3008@2:48', 'DL3008@2:55']);
      assert.deepEqual(found.map((f) => spanText(text, f)), ['"curl"', "'wget'"]);
    });

    it('accepts version pins, wildcard pins, local .deb files and variables', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 "wget=1.21*" ./pkg.deb /tmp/other.deb',
        'RUN apt-get install -y --no-install-recommends "$PACKAGE" ${PACKAGES} $(cat /tmp/pkgs)',
      );
      assert.deepEqual(await at('DL3008', text), []);
    });

    it('does not mistake option values for packages', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get -o Dpkg::Options::=--force-confold install -y --no-install-recommends -t bookworm-backports vim=2:9.0 \\',
        '    --option Acquire::Retries=3 -c /etc/apt/custom.conf --target-release bookworm curl',
      );
      assert.deepEqual(await at('DL3008', text), ['DL3008@3:83']);
    });

    it('ignores other apt-get subcommands, apt-cache, and apt-get as a mere argument', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get upgrade -y && apt-get download curl && apt-get source curl && apt-get remove -y curl',
        'RUN apt-cache show curl && apt-get purge -y wget && echo apt-get install curl',
      );
      assert.deepEqual(await at('DL3008', text), []);
    });

    it('only checks apt-get, not apt (DL3027 reports that)', async () => {
      const text = lines('FROM debian:12', 'RUN apt install -y curl');
      assert.deepEqual(await at('DL3008', text), []);
    });

    it('follows continuations, chains, subshells, groups, loops, sh -c, /usr/bin/apt-get and env prefixes', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get update && \\',
        '    apt-get install -y --no-install-recommends \\',
        '      curl',
        "RUN sh -c 'apt-get install -y --no-install-recommends wget'",
        'RUN (cd /tmp && apt-get install -y --no-install-recommends git)',
        'RUN { apt-get install -y --no-install-recommends vim; }',
        'RUN if true; then apt-get install -y --no-install-recommends jq; fi',
        'RUN DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install -y --no-install-recommends less',
      );
      assert.deepEqual(await at('DL3008', text), ['DL3008@4:7', 'DL3008@5:55', 'DL3008@6:60', 'DL3008@7:50', 'DL3008@8:62', 'DL3008@9:88']);
    });

    it('checks every stage', async () => {
      const text = lines('FROM debian:12 AS build', 'RUN apt-get install -y --no-install-recommends gcc', 'FROM ubuntu:24.04', 'RUN apt-get install -y --no-install-recommends curl');
      assert.deepEqual(await at('DL3008', text), ['DL3008@2:48', 'DL3008@4:48']);
    });

    it('checks ONBUILD RUN', async () => {
      const text = lines('FROM debian:12', 'ONBUILD RUN apt-get install -y --no-install-recommends curl');
      assert.deepEqual(await at('DL3008', text), ['DL3008@2:56']);
    });

    it('checks heredoc RUN bodies run by a shell, not heredocs fed to other programs', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN <<EOF',
        'set -e',
        'apt-get install -y --no-install-recommends curl',
        'EOF',
        'RUN bash <<EOF',
        'apt-get install -y --no-install-recommends wget',
        'EOF',
        'RUN python3 <<EOF',
        'apt-get install -y --no-install-recommends git',
        'EOF',
      );
      assert.deepEqual(await at('DL3008', text), ['DL3008@4:44', 'DL3008@7:44']);
    });

    it('checks exec form, at the JSON array, without a fix', async () => {
      const text = lines('FROM debian:12', 'RUN ["apt-get", "install", "-y", "--no-install-recommends", "curl"]', 'RUN ["apt-get", "install", "-y", "--no-install-recommends", "curl=7.88.1"]');
      const found = await findings('DL3008', text);
      assert.deepEqual(where(text, found), ['DL3008@2:5']);
      assert.deepEqual(found[0]?.fixes, []);
    });

    it('checks sh -c inside exec form', async () => {
      const text = lines('FROM debian:12', 'RUN ["sh", "-c", "apt-get install -y --no-install-recommends curl"]');
      const found = await findings('DL3008', text);
      assert.equal(found.length, 1);
      assert.deepEqual(found[0]?.fixes, []);
    });

    it('does not run under a non-POSIX shell', async () => {
      const text = lines('FROM mcr.microsoft.com/windows/servercore', 'SHELL ["powershell", "-Command"]', 'RUN apt-get install -y --no-install-recommends curl');
      assert.deepEqual(await at('DL3008', text), []);
    });

    it('honours # hadolint ignore=DL3008 on the next instruction only', async () => {
      const text = lines('FROM debian:12', '# hadolint ignore=DL3008', 'RUN apt-get install -y --no-install-recommends curl', 'RUN apt-get install -y --no-install-recommends curl');
      assert.deepEqual(await at('DL3008', text), ['DL3008@4:48']);
    });
  });

  describe('DL3014 apt-get install -y', () => {
    it('flags apt-get install without -y, at the command name', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1');
      assert.deepEqual(await at('DL3014', text), ['DL3014@2:23']);
      const [finding] = await findings('DL3014', text);
      assert.ok(finding);
      assert.equal(spanText(text, finding), 'apt-get');
      assert.equal(finding.severity, 'warning');
    });

    it('accepts -y, --yes, --assume-yes, -qq, -q=2 and combined short flags, before or after install', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get install -y --no-install-recommends curl=1',
        'RUN apt-get -y install --no-install-recommends curl=1',
        'RUN apt-get install --no-install-recommends curl=1 -y',
        'RUN apt-get install --yes --no-install-recommends curl=1',
        'RUN apt-get --assume-yes install --no-install-recommends curl=1',
        'RUN apt-get install -qq --no-install-recommends curl=1',
        'RUN apt-get -q=2 install --no-install-recommends curl=1',
        'RUN apt-get install -qy --no-install-recommends curl=1',
        'RUN apt-get -yq install --no-install-recommends curl=1',
        'RUN apt-get -qqy install --no-install-recommends curl=1',
      );
      assert.deepEqual(await at('DL3014', text), []);
    });

    it('still flags -q alone (one -q does not imply -y)', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get install -q --no-install-recommends curl=1');
      assert.deepEqual(await at('DL3014', text), ['DL3014@2:5']);
    });

    it('only concerns install: other subcommands, apt-cache and apt are not reported', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get upgrade && apt-get remove curl && apt-cache policy curl && apt install curl=1');
      assert.deepEqual(await at('DL3014', text), []);
    });

    it('reports each install of a RUN, across continuations, sh -c, subshells and /usr/bin/apt-get', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get install --no-install-recommends curl=1 && \\',
        '    apt-get install \\',
        '      --no-install-recommends wget=1',
        "RUN sh -c 'apt-get install --no-install-recommends git=1'",
        'RUN (apt-get install --no-install-recommends vim=2)',
        'RUN /usr/bin/apt-get install --no-install-recommends jq=1',
      );
      assert.deepEqual(await at('DL3014', text), ['DL3014@2:5', 'DL3014@3:5', 'DL3014@5:12', 'DL3014@6:6', 'DL3014@7:5']);
      const found = await findings('DL3014', text);
      assert.equal(spanText(text, found[4]!), '/usr/bin/apt-get');
    });

    it('checks every stage and ONBUILD RUN', async () => {
      const text = lines('FROM debian:12 AS a', 'RUN apt-get install --no-install-recommends curl=1', 'FROM debian:12', 'ONBUILD RUN apt-get install --no-install-recommends curl=1');
      assert.deepEqual(await at('DL3014', text), ['DL3014@2:5', 'DL3014@4:13']);
    });

    it('checks heredoc RUN bodies', async () => {
      const text = lines('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'apt-get install --no-install-recommends curl=1', 'EOF', 'RUN <<EOF', 'apt-get install -y --no-install-recommends curl=1', 'EOF');
      assert.deepEqual(await at('DL3014', text), ['DL3014@4:1']);
    });

    it('fixes by inserting -y after install', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install --no-install-recommends curl=1');
      const fixed = await assertFixRemoves(text, 'DL3014', RULES);
      assert.equal(fixed, lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl=1'));
    });

    it('fixes across continuations, in sh -c, ONBUILD, heredocs and with global options', async () => {
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'RUN apt-get install \\', '    --no-install-recommends curl=1'), 'DL3014', RULES),
        lines('FROM debian:12', 'RUN apt-get install -y \\', '    --no-install-recommends curl=1'),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', "RUN sh -c 'apt-get install --no-install-recommends curl=1'"), 'DL3014', RULES),
        lines('FROM debian:12', "RUN sh -c 'apt-get install -y --no-install-recommends curl=1'"),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'ONBUILD RUN apt-get install --no-install-recommends curl=1'), 'DL3014', RULES),
        lines('FROM debian:12', 'ONBUILD RUN apt-get install -y --no-install-recommends curl=1'),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'RUN <<EOF', 'apt-get install --no-install-recommends curl=1', 'EOF'), 'DL3014', RULES),
        lines('FROM debian:12', 'RUN <<EOF', 'apt-get install -y --no-install-recommends curl=1', 'EOF'),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'RUN apt-get -o Acquire::Retries=3 install --no-install-recommends curl=1'), 'DL3014', RULES),
        lines('FROM debian:12', 'RUN apt-get -o Acquire::Retries=3 install -y --no-install-recommends curl=1'),
      );
    });

    it('keeps the fix right with the backtick escape character', async () => {
      const text = lines('# escape=`', 'FROM debian:12', 'RUN apt-get install `', '    --no-install-recommends curl=1');
      assert.equal(await assertFixRemoves(text, 'DL3014', RULES), lines('# escape=`', 'FROM debian:12', 'RUN apt-get install -y `', '    --no-install-recommends curl=1'));
    });

    it('reports exec form, and sh -c inside exec form, without a fix', async () => {
      const text = lines('FROM debian:12', 'RUN ["apt-get", "install", "--no-install-recommends", "curl=1"]', 'RUN ["sh", "-c", "apt-get install --no-install-recommends curl=1"]', 'RUN ["apt-get", "install", "-y", "--no-install-recommends", "curl=1"]');
      const found = await findings('DL3014', text);
      assert.deepEqual(where(text, found), ['DL3014@2:5', 'DL3014@3:5']);
      for (const finding of found) assert.deepEqual(finding.fixes, []);
    });

    it('honours ignore pragmas and non-POSIX shells', async () => {
      const text = lines(
        'FROM debian:12',
        '# hadolint ignore=DL3014',
        'RUN apt-get install --no-install-recommends curl=1',
        'SHELL ["pwsh", "-Command"]',
        'RUN apt-get install --no-install-recommends curl=1',
      );
      assert.deepEqual(await at('DL3014', text), []);
    });
  });

  describe('DL3015 --no-install-recommends', () => {
    it('flags apt-get install without --no-install-recommends, at the command name', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl=7.88.1');
      assert.deepEqual(await at('DL3015', text), ['DL3015@2:23']);
      const [finding] = await findings('DL3015', text);
      assert.ok(finding);
      assert.equal(spanText(text, finding), 'apt-get');
      assert.equal(finding.severity, 'info');
    });

    it('accepts the flag anywhere, and APT::Install-Recommends=false/0', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get install -y --no-install-recommends curl=1',
        'RUN apt-get --no-install-recommends install -y curl=1',
        'RUN apt-get install -y curl=1 --no-install-recommends',
        'RUN apt-get install -y -o APT::Install-Recommends=false curl=1',
        'RUN apt-get -o APT::Install-Recommends=0 install -y curl=1',
        'RUN apt-get -o "APT::Install-Recommends=false" install -y curl=1',
      );
      assert.deepEqual(await at('DL3015', text), []);
    });

    it('only concerns apt-get install', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get upgrade -y && apt-get dist-upgrade -y && apt install -y curl=1 && apt-cache depends curl');
      assert.deepEqual(await at('DL3015', text), []);
    });

    it('follows sh -c, subshells, /usr/bin/apt-get, ONBUILD, every stage and heredocs', async () => {
      const text = lines(
        'FROM debian:12 AS build',
        'RUN bash -c "apt-get install -y curl=1"',
        'RUN (true; apt-get install -y curl=1)',
        'FROM debian:12',
        'RUN /usr/bin/apt-get install -y curl=1',
        'ONBUILD RUN apt-get install -y curl=1',
        'RUN <<EOF',
        'apt-get install -y curl=1',
        'EOF',
        'RUN cat <<EOF > /etc/notes',
        'apt-get install -y curl=1',
        'EOF',
      );
      assert.deepEqual(await at('DL3015', text), ['DL3015@2:14', 'DL3015@3:12', 'DL3015@5:5', 'DL3015@6:13', 'DL3015@8:1']);
    });

    it('fixes by inserting --no-install-recommends after install', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install -y curl=1');
      const fixed = await assertFixRemoves(text, 'DL3015', RULES);
      assert.equal(fixed, lines('FROM debian:12', 'RUN apt-get update && apt-get install --no-install-recommends -y curl=1'));
    });

    it('fixes in ONBUILD RUN, heredocs and sh -c', async () => {
      assert.equal(
        await firstFixed('DL3015', lines('FROM debian:12', 'ONBUILD RUN /usr/bin/apt-get -q install -y curl=1')),
        lines('FROM debian:12', 'ONBUILD RUN /usr/bin/apt-get -q install --no-install-recommends -y curl=1'),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'apt-get install -y curl=1', 'EOF'), 'DL3015', RULES),
        lines('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'apt-get install --no-install-recommends -y curl=1', 'EOF'),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'RUN sh -c "apt-get install -y curl=1"'), 'DL3015', RULES),
        lines('FROM debian:12', 'RUN sh -c "apt-get install --no-install-recommends -y curl=1"'),
      );
    });

    it('reports exec form, and sh -c inside exec form, without a fix', async () => {
      const text = lines('FROM debian:12', 'RUN ["apt-get", "install", "-y", "curl=1"]', 'RUN ["sh", "-c", "apt-get install -y curl=1"]', 'RUN ["apt-get", "install", "-y", "--no-install-recommends", "curl=1"]');
      const found = await findings('DL3015', text);
      assert.deepEqual(where(text, found), ['DL3015@2:5', 'DL3015@3:5']);
      for (const finding of found) assert.deepEqual(finding.fixes, []);
    });
  });

  describe('DL3009 delete the apt lists', () => {
    it('flags a RUN with apt-get update and no cleanup, at apt-get update', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl=1');
      assert.deepEqual(await at('DL3009', text), ['DL3009@2:5']);
      const [finding] = await findings('DL3009', text);
      assert.ok(finding);
      assert.equal(spanText(text, finding), 'apt-get');
      assert.equal(finding.severity, 'info');
    });

    it('accepts rm of the lists in the same RUN, in any spelling of the path', async () => {
      const text = lines(
        'FROM debian:12',
        `RUN ${CLEAN}`,
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=1 && rm -rf /var/lib/apt/lists',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=1 && rm -r /var/lib/apt/lists/',
        'RUN set -eux; \\',
        '    apt-get update; \\',
        '    apt-get install -y --no-install-recommends curl=1; \\',
        '    rm -rf /var/lib/apt/lists/*',
      );
      assert.deepEqual(await at('DL3009', text), []);
    });

    it('does not count a cleanup in a later RUN or another stage', async () => {
      // Each stage builds on the one before, so all of them reach the image.
      const text = lines(
        'FROM debian:12 AS one',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=1',
        'RUN rm -rf /var/lib/apt/lists/*',
        'FROM one AS two',
        'RUN apt-get update',
        'FROM two',
        'RUN rm -rf /var/lib/apt/lists/*',
      );
      assert.deepEqual(await at('DL3009', text), ['DL3009@2:5', 'DL3009@5:5']);
    });

    it('leaves out stages whose layers never reach the image (only copied from), but not ONBUILD triggers', async () => {
      const text = lines(
        'FROM debian:12 AS builder',
        'RUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3',
        'ONBUILD RUN apt-get update',
        'FROM debian:12 AS base',
        'RUN apt-get update',
        'FROM base',
        'COPY --from=builder /out /out',
        'RUN apt-get update',
      );
      assert.deepEqual(await at('DL3009', text), ['DL3009@3:13', 'DL3009@5:5', 'DL3009@8:5']);
    });

    it('does not count apt-get clean or removing something else', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=1 && apt-get clean',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=1 && rm -rf /tmp/*',
      );
      assert.deepEqual(await at('DL3009', text), ['DL3009@2:5', 'DL3009@3:5']);
    });

    it('needs apt-get update: an install alone, apt-cache and apt-get update as an argument are fine', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get install -y --no-install-recommends curl=1',
        'RUN apt-cache policy curl && echo apt-get update',
      );
      assert.deepEqual(await at('DL3009', text), []);
    });

    it('reports the last apt-get update of the RUN once, through options and /usr/bin', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get -q update && apt-get install -y --no-install-recommends a=1 && /usr/bin/apt-get -o Acquire::Retries=3 update');
      const found = await findings('DL3009', text);
      assert.deepEqual(where(text, found), ['DL3009@2:76']);
      assert.equal(spanText(text, found[0]!), '/usr/bin/apt-get');
    });

    it('exempts cache and tmpfs mounts on /var/lib/apt/lists, but not bind mounts', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends curl=1',
        'RUN --mount=type=tmpfs,dst=/var/lib/apt/lists apt-get update',
        'RUN --mount=target=/var/lib/apt/lists,type=cache,sharing=locked apt-get update',
        'RUN --mount=type=bind,target=/var/lib/apt/lists apt-get update',
        'RUN --mount=type=cache,target=/root/.cache apt-get update',
      );
      assert.deepEqual(await at('DL3009', text), ['DL3009@5:49', 'DL3009@6:44']);
    });

    it('follows sh -c, subshells and ONBUILD RUN', async () => {
      const text = lines(
        'FROM debian:12',
        "RUN sh -c 'apt-get update && apt-get install -y --no-install-recommends curl=1'",
        "RUN sh -c 'apt-get update && apt-get install -y --no-install-recommends curl=1 && rm -rf /var/lib/apt/lists/*'",
        'RUN (apt-get update && apt-get install -y --no-install-recommends curl=1)',
        'RUN (apt-get update && apt-get install -y --no-install-recommends curl=1) && rm -rf /var/lib/apt/lists/*',
        'ONBUILD RUN apt-get update && apt-get install -y --no-install-recommends curl=1',
        'ONBUILD RUN ' + CLEAN,
      );
      assert.deepEqual(await at('DL3009', text), ['DL3009@2:12', 'DL3009@4:6', 'DL3009@6:13']);
    });

    it('checks heredoc RUN bodies, where cleanup must also be in the same RUN', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN <<EOF',
        'apt-get update',
        'apt-get install -y --no-install-recommends curl=1',
        'rm -rf /var/lib/apt/lists/*',
        'EOF',
        'RUN <<EOF',
        'set -e',
        'apt-get update',
        'apt-get install -y --no-install-recommends curl=1',
        'EOF',
        'RUN rm -rf /var/lib/apt/lists/*',
      );
      assert.deepEqual(await at('DL3009', text), ['DL3009@9:1']);
    });

    it('reports exec form, and sh -c inside exec form, without a fix', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN ["apt-get", "update"]',
        'RUN ["sh", "-c", "apt-get update && apt-get install -y --no-install-recommends curl=1"]',
        'RUN ["sh", "-c", "apt-get update && rm -rf /var/lib/apt/lists/*"]',
      );
      const found = await findings('DL3009', text);
      assert.deepEqual(where(text, found), ['DL3009@2:5', 'DL3009@3:5']);
      for (const finding of found) assert.deepEqual(finding.fixes, []);
    });

    it('honours ignore pragmas and non-POSIX shells', async () => {
      const text = lines(
        'FROM debian:12',
        '# hadolint ignore=DL3009',
        'RUN apt-get update',
        'SHELL ["/usr/bin/pwsh", "-Command"]',
        'RUN apt-get update',
      );
      assert.deepEqual(await at('DL3009', text), []);
    });

    it('fixes by appending the cleanup to the RUN', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl=1');
      const fixed = await assertFixRemoves(text, 'DL3009', RULES);
      assert.equal(fixed, lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl=1 \\', '    && rm -rf /var/lib/apt/lists/*'));
    });

    it('fixes multi-line RUNs and ONBUILD RUN at their very end', async () => {
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'RUN apt-get update \\', '    && apt-get install -y --no-install-recommends curl=1', 'USER nobody'), 'DL3009', RULES),
        lines('FROM debian:12', 'RUN apt-get update \\', '    && apt-get install -y --no-install-recommends curl=1 \\', '    && rm -rf /var/lib/apt/lists/*', 'USER nobody'),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'ONBUILD RUN apt-get update'), 'DL3009', RULES),
        lines('FROM debian:12', 'ONBUILD RUN apt-get update \\', '    && rm -rf /var/lib/apt/lists/*'),
      );
    });

    it('uses the file\'s escape character in the fix', async () => {
      const text = lines('# escape=`', 'FROM debian:12', 'RUN apt-get update `', '    && apt-get install -y --no-install-recommends curl=1');
      assert.equal(
        await assertFixRemoves(text, 'DL3009', RULES),
        lines('# escape=`', 'FROM debian:12', 'RUN apt-get update `', '    && apt-get install -y --no-install-recommends curl=1 `', '    && rm -rf /var/lib/apt/lists/*'),
      );
    });

    it('offers no fix where appending would not run last or would not parse', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=1;',
        'RUN apt-get update # refresh the lists',
        'RUN (apt-get update && apt-get install -y --no-install-recommends curl=1)',
        'RUN apt-get update && apt-get install -y --no-install-recommends curl=1 &',
      );
      const found = await findings('DL3009', text);
      assert.equal(found.length, 4);
      assert.deepEqual(found.map((f) => f.fixes.length), [0, 0, 0, 0]);
    });

    it('fires when the lists are removed only before the update (the fresh lists stay)', async () => {
      const text = lines('FROM debian:12', 'RUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y --no-install-recommends curl=1');
      assert.deepEqual(await at('DL3009', text), ['DL3009@2:36']);
    });

    it('is exempt under a cache mount of all of /var/lib/apt, as in Docker\'s docs', async () => {
      const text = lines('FROM debian:12', 'RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y --no-install-recommends curl=1');
      assert.deepEqual(await at('DL3009', text), []);
      // A mount elsewhere is no exemption.
      const other = lines('FROM debian:12', 'RUN --mount=type=cache,target=/var/lib/apt-other apt-get update && apt-get install -y --no-install-recommends curl=1');
      assert.equal((await at('DL3009', other)).length, 1);
    });
  });

  describe('DL3027 apt', () => {
    it('flags apt, at the command name', async () => {
      const text = lines('FROM debian:12', 'RUN apt update && apt install -y curl=1');
      assert.deepEqual(await at('DL3027', text), ['DL3027@2:5', 'DL3027@2:19']);
      const found = await findings('DL3027', text);
      assert.deepEqual(found.map((f) => spanText(text, f)), ['apt', 'apt']);
      assert.equal(found[0]!.severity, 'warning');
    });

    it('accepts apt-get, apt-cache, apt-key, apt-mark, aptitude and apt as an argument', async () => {
      const text = lines(
        'FROM debian:12',
        'RUN ' + CLEAN,
        'RUN apt-cache policy curl && apt-mark hold curl && apt-key list && aptitude --help && echo apt install curl && ls /etc/apt',
      );
      assert.deepEqual(await at('DL3027', text), []);
    });

    it('follows /usr/bin/apt, sh -c, subshells, || chains, ONBUILD, every stage and heredocs', async () => {
      const text = lines(
        'FROM debian:12 AS a',
        'RUN /usr/bin/apt install -y curl=1',
        'RUN bash -c "apt install -y curl=1"',
        'RUN true || (apt install -y curl=1)',
        'FROM debian:12',
        'ONBUILD RUN apt -y install curl=1',
        'RUN <<EOF',
        'apt install -y curl=1',
        'EOF',
      );
      assert.deepEqual(await at('DL3027', text), ['DL3027@2:5', 'DL3027@3:14', 'DL3027@4:14', 'DL3027@6:13', 'DL3027@8:1']);
    });

    it('fixes by using apt-get', async () => {
      const text = lines('FROM debian:12', 'RUN apt install -y --no-install-recommends curl=1');
      const fixed = await assertFixRemoves(text, 'DL3027', RULES);
      assert.equal(fixed, lines('FROM debian:12', 'RUN apt-get install -y --no-install-recommends curl=1'));
    });

    it('fixes search, show and policy with apt-cache', async () => {
      const text = lines('FROM debian:12', 'RUN apt show curl && apt search curl && apt policy curl');
      const found = await findings('DL3027', text);
      assert.equal(found.length, 3);
      assert.deepEqual(
        found.map((f) => applyFix(text, f.fixes[0]!)),
        [
          lines('FROM debian:12', 'RUN apt-cache show curl && apt search curl && apt policy curl'),
          lines('FROM debian:12', 'RUN apt show curl && apt-cache search curl && apt policy curl'),
          lines('FROM debian:12', 'RUN apt show curl && apt search curl && apt-cache policy curl'),
        ],
      );
      assert.equal(await assertFixRemoves(lines('FROM debian:12', 'RUN apt show curl'), 'DL3027', RULES), lines('FROM debian:12', 'RUN apt-cache show curl'));
    });

    it('fixes in sh -c, ONBUILD and heredocs', async () => {
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', "RUN sh -c 'apt update'"), 'DL3027', RULES),
        lines('FROM debian:12', "RUN sh -c 'apt-get update'"),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'ONBUILD RUN apt update'), 'DL3027', RULES),
        lines('FROM debian:12', 'ONBUILD RUN apt-get update'),
      );
      assert.equal(
        await assertFixRemoves(lines('FROM debian:12', 'RUN <<EOF', 'apt update', 'EOF'), 'DL3027', RULES),
        lines('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'EOF'),
      );
    });

    it('reports exec form, and sh -c inside exec form, without a fix', async () => {
      const text = lines('FROM debian:12', 'RUN ["apt", "install", "-y", "curl=1"]', 'RUN ["sh", "-c", "apt install -y curl=1"]');
      const found = await findings('DL3027', text);
      assert.deepEqual(where(text, found), ['DL3027@2:5', 'DL3027@3:5']);
      for (const finding of found) assert.deepEqual(finding.fixes, []);
    });

    it('honours ignore pragmas and non-POSIX shells', async () => {
      const text = lines('FROM debian:12', '# hadolint ignore=DL3027', 'RUN apt update', 'SHELL ["cmd", "/S", "/C"]', 'RUN apt update');
      assert.deepEqual(await at('DL3027', text), []);
    });

    it('offers a fix only where apt-get or apt-cache has the same subcommand', async () => {
      const text = lines('FROM debian:12', 'RUN apt list --installed && apt depends curl && apt full-upgrade -y');
      const found = await findings('DL3027', text);
      assert.equal(found.length, 3);
      assert.deepEqual(
        found.map((f) => f.fixes.map((x) => x.title)),
        [[], ['Use apt-cache'], []],
      );
    });
  });

  describe('all apt rules together', () => {
    it('point at the whole `sh -c` argument when escapes in it shift the offsets, and at the words when they do not', async () => {
      const text = lines('FROM debian:12', 'RUN sh -c "echo \\"hi\\" && apt-get install curl"', "RUN sh -c 'apt-get install curl'");
      const found = await lint(text, RULES);
      const escaped = '"echo \\"hi\\" && apt-get install curl"';
      assert.deepEqual(
        found.map((f) => [f.code, spanText(text, f)]),
        [
          ['DL3008', escaped],
          ['DL3014', escaped],
          ['DL3015', escaped],
          ['DL3014', 'apt-get'],
          ['DL3015', 'apt-get'],
          ['DL3008', 'curl'],
        ],
      );
      assert.ok(found.slice(0, 3).every((f) => f.fixes.length === 0));
    });

    it('treat a concatenated `sh -c` argument as inexact too', async () => {
      const text = lines('FROM debian:12', "RUN sh -c 'apt-get install -y --no-install-recommends '\"curl=1\" && rm -rf /var/lib/apt/lists/*");
      const found = await findings('DL3008', text);
      assert.deepEqual(found, []);
      const dl3014 = await findings('DL3014', lines('FROM debian:12', "RUN sh -c 'apt-get install '\"curl=1\""));
      assert.equal(dl3014.length, 1);
      assert.deepEqual(dl3014[0]?.fixes, []);
    });

    it('report a typical naive install once per rule, in source order', async () => {
      const text = lines('FROM debian:12', 'RUN apt-get update && apt-get install curl');
      assert.deepEqual(where(text, await lint(text, RULES)), ['DL3009@2:5', 'DL3014@2:23', 'DL3015@2:23', 'DL3008@2:39']);
    });

    it('the three text fixes together give a Dockerfile that only lacks a version pin', async () => {
      let text = lines('FROM debian:12', 'RUN apt-get update && apt-get install curl');
      for (const code of ['DL3014', 'DL3015', 'DL3009']) text = await assertFixRemoves(text, code, RULES);
      assert.equal(text, lines('FROM debian:12', 'RUN apt-get update && apt-get install --no-install-recommends -y curl \\', '    && rm -rf /var/lib/apt/lists/*'));
      assert.deepEqual(where(text, await lint(text, RULES)), ['DL3008@2:66']);
    });
  });
});
