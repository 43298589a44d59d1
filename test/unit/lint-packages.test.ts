import * as assert from 'node:assert/strict';
import { PACKAGE_RULES, isPinnedNpm, isPinnedPip, isPinnedRpm } from '../../src/lint/rules/packages';
import { assertFixRemoves, assertRuleShapes, ruleHelpers, spanText } from './lintHelpers';

const RULES = PACKAGE_RULES;

const { at, findings, firstFixed } = ruleHelpers(RULES);

describe('lint rules: package managers', function () {
  this.timeout(20000);

  it('every rule has a code, one-line message and an explanation', () => {
    assert.deepEqual(
      assertRuleShapes(RULES),
      ['DL3013', 'DL3016', 'DL3018', 'DL3019', 'DL3028', 'DL3030', 'DL3032', 'DL3033', 'DL3034', 'DL3035', 'DL3036', 'DL3037', 'DL3038', 'DL3040', 'DL3041', 'DL3042', 'DL3060', 'DL3062'],
    );
  });

  describe('DL3013 pip install pinning', () => {
    it('flags each unpinned package, at the package', async () => {
      const text = 'FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.2 requests\n';
      assert.deepEqual(await at('DL3013', text), ['DL3013@2:45']);
      const [finding] = await findings('DL3013', text);
      assert.ok(finding);
      assert.equal(spanText(text, finding), 'requests');
      assert.match(finding.message, /`requests`/);
    });

    it('accepts version operators, requirement files, constraints, local paths, URLs and VCS refs', async () => {
      const text = [
        'FROM python:3.12',
        'RUN pip install -r requirements.txt',
        'RUN pip3 install "django>=4,<5" numpy~=1.26 "attrs[tests]==23.1"',
        'RUN pip install -c constraints.txt flask requests',
        'RUN pip install --constraint=constraints.txt flask',
        'RUN pip install . ./libs/foo /tmp/x.whl dist/pkg-1.0.tar.gz',
        'RUN pip install https://example.com/pkg-1.0.zip',
        'RUN pip install git+https://github.com/org/repo.git@v1.2#egg=repo',
        'RUN pip install -e . --index-url https://pypi.example.com/simple',
        'RUN pip install "$PACKAGE"',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3013', text), []);
    });

    it('flags a VCS URL without a ref (a user in the host is not a ref)', async () => {
      const text = 'FROM python:3.12\nRUN pip install git+ssh://git@github.com/org/repo.git\n';
      assert.deepEqual(await at('DL3013', text), ['DL3013@2:17']);
    });

    it('understands python -m pip, paths to pip, and options that take values', async () => {
      const text = [
        'FROM python:3.12',
        'RUN python3 -m pip install --upgrade pip',
        'RUN /usr/local/bin/pip3.12 --disable-pip-version-check install --target /opt/lib six',
        'RUN python3 -u -m pip install --index-url https://x.example/simple six==1.16.0',
        'RUN python3 setup.py install',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3013', text), ['DL3013@2:38', 'DL3013@3:82']);
    });

    it('follows line continuations, sh -c, subshells, ONBUILD and heredocs', async () => {
      const text = [
        'FROM python:3.12',
        'RUN apt-get update && \\',
        '    pip install \\',
        '      flask',
        "RUN sh -c 'pip install six'",
        'RUN (cd /src && pip install requests)',
        'ONBUILD RUN pip install boto3',
        'RUN <<EOF',
        'pip install numpy',
        'EOF',
        'RUN ["pip", "install", "pyyaml"]',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3013', text), ['DL3013@4:7', 'DL3013@5:24', 'DL3013@6:29', 'DL3013@7:25', 'DL3013@9:13', 'DL3013@11:5']);
    });

    it('honours # hadolint ignore=DL3013 on the next instruction only', async () => {
      const text = 'FROM python:3.12\n# hadolint ignore=DL3013\nRUN pip install flask\nRUN pip install flask\n';
      assert.deepEqual(await at('DL3013', text), ['DL3013@4:17']);
    });

    it('does not run under a non-POSIX shell', async () => {
      const text = 'FROM mcr.microsoft.com/windows/servercore\nSHELL ["powershell", "-Command"]\nRUN pip install flask\n';
      assert.deepEqual(await at('DL3013', text), []);
    });

    it('classifies package specs', () => {
      for (const spec of ['a==1', 'a>=1', 'a!=1', 'a~=1.0', 'a<2', './x', '/x', 'x.whl', 'a @ https://x/a.zip', 'hg+https://h/r@1', '$P']) {
        assert.equal(isPinnedPip(spec), true, spec);
      }
      for (const spec of ['a', 'a[extra]', 'git+https://github.com/o/r', 'pip']) assert.equal(isPinnedPip(spec), false, spec);
    });
  });

  describe('DL3042 pip install --no-cache-dir', () => {
    it('flags pip install without --no-cache-dir, spanning the command and subcommand', async () => {
      const text = 'FROM python:3.12\nRUN pip install flask==3.0.2\n';
      assert.deepEqual(await at('DL3042', text), ['DL3042@2:5']);
      const [finding] = await findings('DL3042', text);
      assert.ok(finding);
      assert.equal(spanText(text, finding), 'pip install');
    });

    it('fixes inside a plainly quoted `sh -c`, and offers no fix where offsets are not the text (JSON form, escapes)', async () => {
      const quoted = "FROM python:3.12\nRUN sh -c 'pip install flask==3.0.2'\n";
      assert.equal(await assertFixRemoves(quoted, 'DL3042', RULES), "FROM python:3.12\nRUN sh -c 'pip install --no-cache-dir flask==3.0.2'\n");
      for (const text of [
        'FROM python:3.12\nRUN ["pip", "install", "flask==3.0.2"]\n',
        'FROM python:3.12\nRUN ["sh", "-c", "pip install flask==3.0.2"]\n',
        'FROM python:3.12\nRUN sh -c "pip install \\"flask==3.0.2\\""\n',
      ]) {
        const [finding] = await findings('DL3042', text);
        assert.ok(finding, text);
        assert.deepEqual(finding.fixes, [], text);
      }
    });

    it('accepts --no-cache-dir and other pip subcommands', async () => {
      const text = 'FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.2 && pip freeze && pip download six==1.0\n';
      assert.deepEqual(await at('DL3042', text), []);
    });

    it('is exempt when PIP_NO_CACHE_DIR is set in the stage, its parent stage, or the RUN', async () => {
      const text = [
        'FROM python:3.12 AS base',
        'ENV PIP_NO_CACHE_DIR=1',
        'RUN pip install flask==3.0.2',
        'FROM base AS child',
        'RUN pip install six==1.16.0',
        'FROM python:3.12',
        'ENV PIP_NO_CACHE_DIR off',
        'RUN pip install six==1.16.0',
        'FROM python:3.12',
        'ARG PIP_NO_CACHE_DIR=1',
        'RUN pip install six==1.16.0',
        'FROM python:3.12',
        'RUN PIP_NO_CACHE_DIR=1 pip install six==1.16.0',
        'RUN export PIP_NO_CACHE_DIR=1 && pip install six==1.16.0',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3042', text), []);
    });

    it('still flags when the ENV comes after the RUN or in an unrelated stage', async () => {
      const text = [
        'FROM python:3.12 AS a',
        'RUN pip install six==1.16.0',
        'ENV PIP_NO_CACHE_DIR=1',
        'FROM python:3.12',
        'ARG PIP_NO_CACHE_DIR',
        'RUN python -m pip install six==1.16.0',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3042', text), ['DL3042@2:5', 'DL3042@6:5']);
    });

    it('is exempt with a cache mount on the pip cache, not on another folder', async () => {
      const text = [
        'FROM python:3.12',
        'RUN --mount=type=cache,target=/root/.cache/pip pip install six==1.16.0',
        'RUN --mount=type=cache,target=/root/.cache pip install six==1.16.0',
        'RUN --mount=type=cache,target=/var/cache/apt pip install six==1.16.0',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3042', text), ['DL3042@4:46']);
    });

    it('fixes by inserting --no-cache-dir after install (also for python -m pip and across lines)', async () => {
      const text = 'FROM python:3.12\nRUN python3 -m pip install \\\n    six==1.16.0\n';
      const fixed = await assertFixRemoves(text, 'DL3042', RULES);
      assert.equal(fixed, 'FROM python:3.12\nRUN python3 -m pip install --no-cache-dir \\\n    six==1.16.0\n');
      const shc = "FROM python:3.12\nRUN sh -c 'pip install six==1.16.0'\n";
      assert.equal(await assertFixRemoves(shc, 'DL3042', RULES), "FROM python:3.12\nRUN sh -c 'pip install --no-cache-dir six==1.16.0'\n");
    });

    it('offers no text fix in exec form (no word offsets there)', async () => {
      const text = 'FROM python:3.12\nRUN ["pip", "install", "six==1.16.0"]\n';
      const [finding] = await findings('DL3042', text);
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });
  });

  describe('DL3016 npm install pinning', () => {
    it('flags unpinned and @latest packages, at the package', async () => {
      const text = 'FROM node:20\nRUN npm install -g typescript@5.4.5 eslint @angular/cli npm@latest\n';
      assert.deepEqual(await at('DL3016', text), ['DL3016@2:37', 'DL3016@2:44', 'DL3016@2:57']);
      const found = await findings('DL3016', text);
      assert.match(found[2]?.message ?? '', /`npm@latest`.*`npm@<version>`/);
      assert.match(found[1]?.message ?? '', /`@angular\/cli@<version>`/);
    });

    it('accepts bare installs, npm ci, scoped versions, paths, git URLs and tarballs', async () => {
      const text = [
        'FROM node:20',
        'RUN npm install && npm ci && npm i --omit dev',
        'RUN npm install @types/node@20.11.0 left-pad@^1.3.0 ./local ../other /abs file:pkg',
        'RUN npm install git+https://github.com/o/r.git git://github.com/o/r.git github:o/r o/r#v1',
        'RUN npm install https://registry.example.com/x-1.0.0.tgz ./x-1.0.0.tgz',
        'RUN npm install --prefix /opt/app express@4.19.2',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3016', text), []);
    });

    it('finds npm install in sh -c and ONBUILD RUN', async () => {
      const text = 'FROM node:20\nONBUILD RUN npm i express\nRUN sh -c "npm add lodash"\n';
      assert.deepEqual(await at('DL3016', text), ['DL3016@2:19', 'DL3016@3:20']);
    });

    it('classifies package specs', () => {
      for (const s of ['a@1', '@s/a@1.2', 'a@^1', 'a@next-gen', './a', 'a.tgz', 'u/r']) assert.equal(isPinnedNpm(s), true, s);
      for (const s of ['a', '@s/a', 'a@', 'a@latest', 'a@*']) assert.equal(isPinnedNpm(s), false, s);
    });
  });

  describe('DL3060 yarn cache clean', () => {
    it('flags yarn install without yarn cache clean in the same RUN', async () => {
      const text = 'FROM node:20\nRUN yarn install --frozen-lockfile\nRUN yarn cache clean\n';
      assert.deepEqual(await at('DL3060', text), ['DL3060@2:5']);
    });

    it('accepts a clean-up in the same RUN, a cache mount, and non-installing yarn commands', async () => {
      const text = [
        'FROM node:20',
        'RUN yarn install --frozen-lockfile && yarn cache clean',
        'RUN yarn global add serve@14.2.1 ; yarn cache clean --force',
        'RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install',
        'RUN yarn build && yarn test',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3060', text), []);
    });

    it('flags bare yarn and a clean that comes before the install', async () => {
      const text = 'FROM node:20\nRUN yarn cache clean && yarn --frozen-lockfile\nRUN yarn add react@18.2.0\n';
      assert.deepEqual(await at('DL3060', text), ['DL3060@2:25', 'DL3060@3:5']);
    });

    it('fixes by appending yarn cache clean to the RUN', async () => {
      const text = 'FROM node:20\nRUN yarn install \\\n    --frozen-lockfile\n';
      const fixed = await assertFixRemoves(text, 'DL3060', RULES);
      assert.equal(fixed, 'FROM node:20\nRUN yarn install \\\n    --frozen-lockfile \\\n    && yarn cache clean\n');
    });

    it('offers no fix when the RUN does not end with a plain command', async () => {
      const text = 'FROM node:20\nRUN yarn install # deps\nRUN (cd app && yarn install)\n';
      const found = await findings('DL3060', text);
      assert.equal(found.length, 2);
      assert.deepEqual(found.map((f) => f.fixes.length), [0, 0]);
    });
  });

  describe('DL3018 apk add pinning', () => {
    it('flags unpinned packages, not virtual names or pinned ones', async () => {
      const text = 'FROM alpine:3.19\nRUN apk add --no-cache --virtual .build-deps curl=8.5.0-r0 git bash~5.2 "openssl>3"\n';
      assert.deepEqual(await at('DL3018', text), ['DL3018@2:60']);
      const [finding] = await findings('DL3018', text);
      assert.ok(finding);
      assert.equal(spanText(text, finding), 'git');
    });

    it('accepts local .apk files and variables, and ignores other subcommands', async () => {
      const text = 'FROM alpine:3.19\nRUN apk add --no-cache /tmp/pkg.apk "$PKG" && apk del curl && apk update\n';
      assert.deepEqual(await at('DL3018', text), []);
    });

    it('handles global options before add and -t with a value', async () => {
      const text = 'FROM alpine:3.19\nRUN apk -U --no-cache add -t deps \\\n  make\n';
      assert.deepEqual(await at('DL3018', text), ['DL3018@3:3']);
    });
  });

  describe('DL3019 apk add --no-cache', () => {
    it('flags apk add without --no-cache', async () => {
      const text = 'FROM alpine:3.19\nRUN apk update && apk add curl=8.5.0-r0\n';
      assert.deepEqual(await at('DL3019', text), ['DL3019@2:19']);
    });

    it('accepts --no-cache anywhere and a cache mount on /var/cache/apk', async () => {
      const text = [
        'FROM alpine:3.19',
        'RUN apk --no-cache add curl=8.5.0-r0',
        'RUN apk add curl=8.5.0-r0 --no-cache',
        'RUN --mount=type=cache,target=/var/cache/apk apk add curl=8.5.0-r0',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3019', text), []);
    });

    it('fixes by inserting --no-cache after add', async () => {
      const text = 'FROM alpine:3.19\nONBUILD RUN apk add curl=8.5.0-r0\n';
      assert.equal(await assertFixRemoves(text, 'DL3019', RULES), 'FROM alpine:3.19\nONBUILD RUN apk add --no-cache curl=8.5.0-r0\n');
    });
  });

  describe('DL3028 gem install pinning', () => {
    it('flags gems without a version', async () => {
      const text = 'FROM ruby:3.3\nRUN gem install rails:7.1.3 bundler --no-document\n';
      assert.deepEqual(await at('DL3028', text), ['DL3028@2:29']);
    });

    it('accepts -v/--version, name:version, local .gem files, and ignores build options after --', async () => {
      const text = [
        'FROM ruby:3.3',
        'RUN gem install bundler -v 2.5.6',
        'RUN gem install bundler --version=2.5.6',
        'RUN gem i nokogiri:1.16.2 ./vendor/x-1.0.gem -- --use-system-libraries',
        'RUN gem update --system',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3028', text), []);
    });
  });

  describe('DL3030 yum install -y', () => {
    it('flags yum install without -y', async () => {
      const text = 'FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n';
      assert.deepEqual(await at('DL3030', text), ['DL3030@2:5']);
    });

    it('accepts -y, --assumeyes and combined short flags', async () => {
      const text = 'FROM centos:7\nRUN yum -y install httpd-2.4.6 && yum install --assumeyes a-1 && yum -qy install b-1 && yum clean all\n';
      assert.deepEqual(await at('DL3030', text), []);
    });

    it('fixes by inserting -y after the subcommand', async () => {
      const text = 'FROM centos:7\nRUN yum groupinstall "Development Tools" && yum clean all\n';
      assert.equal(await assertFixRemoves(text, 'DL3030', RULES), 'FROM centos:7\nRUN yum groupinstall -y "Development Tools" && yum clean all\n');
    });
  });

  describe('DL3032 yum clean all', () => {
    it('flags yum install without yum clean all afterwards', async () => {
      const text = 'FROM centos:7\nRUN yum install -y httpd-2.4.6\nRUN yum clean all\n';
      assert.deepEqual(await at('DL3032', text), ['DL3032@2:5']);
    });

    it('accepts yum clean all, removing /var/cache/yum, or a cache mount', async () => {
      const text = [
        'FROM centos:7',
        'RUN yum install -y httpd-2.4.6 && yum clean all',
        'RUN yum install -y httpd-2.4.6 && rm -rf /var/cache/yum/*',
        'RUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.6',
        'RUN yum makecache',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3032', text), []);
    });

    it('fixes by appending yum clean all', async () => {
      const text = 'FROM centos:7\nRUN yum install -y httpd-2.4.6\n';
      assert.equal(await assertFixRemoves(text, 'DL3032', RULES), 'FROM centos:7\nRUN yum install -y httpd-2.4.6 \\\n    && yum clean all\n');
    });

    it('uses the file\'s escape character in the fix', async () => {
      const text = '# escape=`\nFROM centos:7\nRUN yum install -y httpd-2.4.6\n';
      assert.equal(await firstFixed('DL3032', text), '# escape=`\nFROM centos:7\nRUN yum install -y httpd-2.4.6 `\n    && yum clean all\n');
    });
  });

  describe('DL3033 yum install pinning', () => {
    it('flags packages without name-version', async () => {
      const text = 'FROM centos:7\nRUN yum install -y httpd-2.4.6 java-17-openjdk-devel python3-3.6.8-18.el7 && yum clean all\n';
      assert.deepEqual(await at('DL3033', text), ['DL3033@2:32']);
    });

    it('ignores groups, local rpm files and other subcommands', async () => {
      const text = [
        'FROM centos:7',
        'RUN yum groupinstall -y "Development Tools" && yum clean all',
        'RUN yum localinstall -y /tmp/x.rpm && yum install -y /tmp/y.rpm https://e.example/z.rpm && yum clean all',
        'RUN yum update -y && yum remove -y httpd && yum clean all',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3033', text), []);
    });

    it('classifies rpm specs', () => {
      for (const s of ['a-1', 'a-1.2-3.el8', 'a-b-2:1.0', 'nodejs:18', '@group', 'x.rpm']) assert.equal(isPinnedRpm(s), true, s);
      for (const s of ['a', 'gcc-c++', 'java-11-openjdk', 'python3.11']) assert.equal(isPinnedRpm(s), false, s);
    });
  });

  describe('DL3034 zypper non-interactive', () => {
    it('flags zypper install/in/remove without a non-interactive switch', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper install curl=8.0.1 && zypper in -y git=2.43 && zypper rm vim && zypper clean\n';
      assert.deepEqual(await at('DL3034', text), ['DL3034@2:5', 'DL3034@2:59']);
    });

    it('accepts -n, --non-interactive, --no-confirm and ignores read-only subcommands', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper -n in curl=8.0.1 && zypper --non-interactive install git=2.43 && zypper install --no-confirm vim=9.0 && zypper refresh && zypper clean\n';
      assert.deepEqual(await at('DL3034', text), []);
    });

    it('fixes by adding --non-interactive after zypper', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper --root /x in curl=8.0.1 && zypper clean\n';
      assert.equal(await assertFixRemoves(text, 'DL3034', RULES), 'FROM opensuse/leap:15.5\nRUN zypper --non-interactive --root /x in curl=8.0.1 && zypper clean\n');
    });
  });

  describe('DL3035 zypper dist-upgrade', () => {
    it('flags dist-upgrade and dup, at the subcommand', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper -n dist-upgrade\nRUN zypper --non-interactive dup\n';
      assert.deepEqual(await at('DL3035', text), ['DL3035@2:15', 'DL3035@3:30']);
    });

    it('accepts zypper update and patch', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper -n update && zypper -n patch\n';
      assert.deepEqual(await at('DL3035', text), []);
    });
  });

  describe('DL3036 zypper clean', () => {
    it('flags zypper install without zypper clean in the same RUN', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper -n install curl=8.0.1\n';
      assert.deepEqual(await at('DL3036', text), ['DL3036@2:5']);
    });

    it('accepts zypper clean, zypper cc, rm of the cache and a cache mount', async () => {
      const text = [
        'FROM opensuse/leap:15.5',
        'RUN zypper -n install curl=8.0.1 && zypper clean',
        'RUN zypper -n in curl=8.0.1 && zypper cc -a',
        'RUN zypper -n in curl=8.0.1 && rm -rf /var/cache/zypp/*',
        'RUN --mount=type=cache,target=/var/cache/zypp zypper -n in curl=8.0.1',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3036', text), []);
    });

    it('fixes by appending zypper clean', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper -n install curl=8.0.1\n';
      await assertFixRemoves(text, 'DL3036', RULES);
    });
  });

  describe('DL3037 zypper install pinning', () => {
    it('flags packages without a version', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper -n in curl=8.0.1 "git>=2.40" vim && zypper clean\n';
      assert.deepEqual(await at('DL3037', text), ['DL3037@2:41']);
    });

    it('ignores patterns, rpm files and variables', async () => {
      const text = 'FROM opensuse/leap:15.5\nRUN zypper -n in -t pattern devel_basis && zypper -n in /tmp/a.rpm $PKGS && zypper clean\n';
      assert.deepEqual(await at('DL3037', text), []);
    });
  });

  describe('DL3038 dnf install -y', () => {
    it('flags dnf and microdnf install without -y', async () => {
      const text = 'FROM fedora:39\nRUN dnf install nginx-1.24.0 && microdnf install git-2.43.0 && dnf clean all\n';
      assert.deepEqual(await at('DL3038', text), ['DL3038@2:5', 'DL3038@2:33']);
    });

    it('accepts -y and --assumeyes; other subcommands are not installs', async () => {
      const text = 'FROM fedora:39\nRUN dnf -y install nginx-1.24.0 && dnf install --assumeyes git-2.43.0 && dnf makecache && dnf clean all\n';
      assert.deepEqual(await at('DL3038', text), []);
    });

    it('fixes by inserting -y after install, also for `dnf group install`', async () => {
      const text = 'FROM fedora:39\nRUN dnf group install "Development Tools" && dnf clean all\n';
      assert.equal(await assertFixRemoves(text, 'DL3038', RULES), 'FROM fedora:39\nRUN dnf group install -y "Development Tools" && dnf clean all\n');
    });
  });

  describe('DL3040 dnf clean all', () => {
    it('flags dnf install without dnf clean all in the same RUN', async () => {
      const text = 'FROM fedora:39\nRUN dnf install -y nginx-1.24.0 && dnf clean packages\n';
      assert.deepEqual(await at('DL3040', text), ['DL3040@2:5']);
    });

    it('accepts dnf or microdnf clean all, rm of the cache, and a cache mount', async () => {
      const text = [
        'FROM fedora:39',
        'RUN dnf install -y nginx-1.24.0 && dnf clean all',
        'RUN microdnf install -y nginx-1.24.0 && microdnf clean all',
        'RUN dnf install -y nginx-1.24.0 && rm -rf /var/cache/dnf',
        'RUN --mount=type=cache,target=/var/cache/dnf dnf install -y nginx-1.24.0',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3040', text), []);
    });

    it('fixes by appending the same tool\'s clean all', async () => {
      const text = 'FROM ubi9/ubi-minimal\nRUN microdnf install -y nginx-1.24.0\n';
      assert.equal(await assertFixRemoves(text, 'DL3040', RULES), 'FROM ubi9/ubi-minimal\nRUN microdnf install -y nginx-1.24.0 \\\n    && microdnf clean all\n');
    });
  });

  describe('DL3041 dnf install pinning', () => {
    it('flags packages without name-version', async () => {
      const text = 'FROM fedora:39\nRUN dnf install -y nginx-1.24.0 gcc-c++ && dnf clean all\n';
      assert.deepEqual(await at('DL3041', text), ['DL3041@2:33']);
    });

    it('accepts module streams and groups', async () => {
      const text = 'FROM fedora:39\nRUN dnf module install -y nodejs:18 && dnf group install -y "C Development" && dnf clean all\n';
      assert.deepEqual(await at('DL3041', text), []);
    });
  });

  describe('DL3062 go install pinning', () => {
    it('flags packages without a version or with @latest', async () => {
      const text = 'FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest github.com/x/y@v1.2.3 honnef.co/go/tools/cmd/staticcheck\n';
      assert.deepEqual(await at('DL3062', text), ['DL3062@2:16', 'DL3062@2:70']);
      const found = await findings('DL3062', text);
      assert.match(found[0]?.message ?? '', /`@latest`/);
    });

    it('accepts versions, local packages, flags with values and other go commands', async () => {
      const text = [
        'FROM golang:1.22',
        'RUN go install -ldflags "-s -w" -tags netgo github.com/x/y@v1.2.3',
        'RUN go install ./cmd/... && go install && go build ./...',
        'RUN go install example.com/tool@${TOOL_VERSION}',
        '',
      ].join('\n');
      assert.deepEqual(await at('DL3062', text), []);
    });

    it('finds go install inside a heredoc', async () => {
      const text = 'FROM golang:1.22\nRUN <<EOF\nset -e\ngo install github.com/x/y@main\nEOF\n';
      assert.deepEqual(await at('DL3062', text), ['DL3062@4:12']);
    });
  });
});
