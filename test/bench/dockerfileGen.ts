/**
 * Deterministic generator of realistic Dockerfiles for the lint benchmarks: multi-stage builds
 * with varied RUN chains (apt, apk, pip, npm, curl | tar, shell loops, heredocs), COPY --from,
 * ENV/ARG/LABEL blocks, comments (also inside continuations), blank lines and continuations.
 *
 * Every RUN body carries numbers drawn from the PRNG, so no two RUN scripts in a file are
 * identical: the linter's shell-parse cache (keyed by script text) gets no hits within one file.
 */

export { prng } from '../harness/random';
import { prng } from '../harness/random';

const BASES: ReadonlyArray<{ image: string; family: 'debian' | 'alpine' | 'python' | 'node' }> = [
  { image: 'debian:12-slim', family: 'debian' },
  { image: 'ubuntu:22.04', family: 'debian' },
  { image: 'python:3.12-slim-bookworm', family: 'python' },
  { image: 'node:20-bookworm-slim', family: 'node' },
  { image: 'alpine:3.20', family: 'alpine' },
  { image: 'golang:1.22-bookworm', family: 'debian' },
  { image: 'eclipse-temurin:21-jdk-jammy', family: 'debian' },
];
const APT = ['curl', 'ca-certificates', 'git', 'build-essential', 'libpq-dev', 'libssl-dev', 'pkg-config', 'unzip', 'jq', 'gnupg', 'openssh-client', 'tzdata', 'locales', 'libxml2-dev', 'zlib1g-dev', 'wget', 'procps', 'netcat-openbsd'];
const APK = ['curl', 'bash', 'git', 'openssl', 'ca-certificates', 'tini', 'su-exec', 'jq', 'tzdata', 'make', 'gcc', 'musl-dev'];
const PIP = ['requests', 'numpy', 'pandas', 'flask', 'gunicorn', 'uvicorn', 'fastapi', 'pydantic', 'sqlalchemy', 'psycopg2-binary', 'boto3', 'pyyaml', 'click', 'rich'];
const NPM = ['typescript', 'esbuild', 'pm2', 'prisma', 'nodemon', 'eslint', 'vite', 'serve'];
const TOOLS = ['helm', 'kubectl', 'terraform', 'yq', 'protoc', 'buf', 'golangci-lint', 'trivy', 'hadolint', 'sops'];
const WORDS = ['build', 'runtime', 'cache', 'assets', 'config', 'plugins', 'reports', 'templates', 'migrations', 'locale'];

export interface GeneratedDockerfile {
  text: string;
  lines: number;
}

/** A realistic Dockerfile of exactly `lineCount` lines (each ending in a newline). */
export function generateDockerfile(lineCount: number, seed = 1): GeneratedDockerfile {
  const rand = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const some = <T>(items: readonly T[], lo: number, hi: number): T[] => {
    const n = int(lo, hi);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(pick(items));
    return out;
  };
  const version = (): string => `${int(0, 9)}.${int(0, 40)}.${int(0, 99)}`;
  let counter = 0;
  const next = (): number => ++counter;

  const out: string[] = [];
  let stage = -1;
  let family: (typeof BASES)[number]['family'] = 'debian';
  let linesInStage = 0;
  let stageLength = 0;

  const fromBlock = (): string[] => {
    stage++;
    const base = pick(BASES);
    family = base.family;
    linesInStage = 0;
    stageLength = int(40, 160);
    const block = [`# ---- stage ${stage}: ${pick(WORDS)} ----`];
    if (rand() < 0.3) block.push(`ARG BASE_TAG_${stage}=${version()}`);
    block.push(`FROM ${rand() < 0.2 ? '--platform=$BUILDPLATFORM ' : ''}${base.image} AS stage${stage}`);
    block.push(`WORKDIR /opt/${pick(WORDS)}${stage}`);
    return block;
  };

  const installBlock = (): string[] => {
    const n = next();
    if (family === 'alpine') {
      return [`RUN apk add --no-cache \\`, ...some(APK, 2, 6).map((p) => `      ${p}=${version()}-r${int(0, 9)} \\`), `    && mkdir -p /var/lib/app${n}`];
    }
    const block = ['RUN apt-get update \\', '    && apt-get install -y --no-install-recommends \\'];
    for (const p of some(APT, 2, 7)) {
      if (rand() < 0.15) block.push(`        # ${p} is needed by step ${n}`);
      block.push(`        ${p}=${version()}-${int(1, 9)} \\`);
    }
    block.push(rand() < 0.8 ? '    && rm -rf /var/lib/apt/lists/*' : `    && echo installed-${n}`);
    return block;
  };

  const pipBlock = (): string[] => {
    const n = next();
    const pkgs = some(PIP, 2, 6).map((p) => `${p}==${version()}`);
    if (rand() < 0.5) return [`RUN pip install --no-cache-dir ${pkgs.join(' ')} && python -c "import sys; print(${n})"`];
    return ['RUN python -m venv /venv \\', `    && /venv/bin/pip install --no-cache-dir \\`, ...pkgs.map((p) => `       ${p} \\`), `    && /venv/bin/python -m compileall -q /opt/app${n}`];
  };

  const npmBlock = (): string[] => {
    const n = next();
    const globals = some(NPM, 1, 3).map((p) => `${p}@${version()}`);
    return [`RUN npm ci --omit=dev --no-audit --no-fund \\`, `    && npm install -g ${globals.join(' ')} \\`, `    && npm run build:part${n} -- --max-old-space-size=${int(512, 4096)} \\`, `    && npm cache clean --force`];
  };

  const curlBlock = (): string[] => {
    const n = next();
    const tool = pick(TOOLS);
    const v = version();
    return [
      `ARG ${tool.toUpperCase().replace(/-/g, '_')}_VERSION_${n}=${v}`,
      `RUN set -eux; \\`,
      `    curl -fsSL "https://releases.example.com/${tool}/v${v}/${tool}-linux-amd64.tar.gz" -o /tmp/${tool}${n}.tgz; \\`,
      `    echo "${(n * 2654435761 >>> 0).toString(16).padStart(8, '0')}  /tmp/${tool}${n}.tgz" | sha256sum -c -; \\`,
      `    tar -xzf /tmp/${tool}${n}.tgz -C /usr/local/bin ${tool}; \\`,
      `    rm -f /tmp/${tool}${n}.tgz; \\`,
      `    ${tool} --version`,
    ];
  };

  const shellBlock = (): string[] => {
    const n = next();
    const ws = some(WORDS, 2, 4);
    if (rand() < 0.5) {
      return [`RUN for d in ${ws.join(' ')}; do \\`, `      mkdir -p "/srv/${n}/$d" && chmod 0755 "/srv/${n}/$d"; \\`, `    done \\`, `    && if [ -f /etc/app${n}.conf ]; then sed -i 's/port=.*/port=${int(1024, 65000)}/' /etc/app${n}.conf; fi`];
    }
    return [`RUN groupadd --gid ${int(1000, 60000)} app${n} \\`, `    && useradd --uid ${int(1000, 60000)} --gid app${n} --create-home --shell /bin/bash app${n} \\`, `    && chown -R app${n}:app${n} /opt/${pick(WORDS)}${n}`];
  };

  const heredocBlock = (): string[] => {
    const n = next();
    return ['RUN <<EOF', 'set -eux', `mkdir -p /etc/app${n}`, `printf 'level=%s\\n' "${pick(['info', 'debug', 'warn'])}" > /etc/app${n}/log.conf`, `ln -sf /etc/app${n} /etc/app-current${n % 7}`, 'EOF'];
  };

  const copyBlock = (): string[] => {
    const n = next();
    const lines: string[] = [];
    if (stage > 0 && rand() < 0.6) lines.push(`COPY --from=stage${int(0, stage - 1)} /opt/${pick(WORDS)}/out${n} /opt/${pick(WORDS)}/in${n}`);
    lines.push(`COPY --chown=${int(1000, 2000)}:${int(1000, 2000)} ./${pick(WORDS)}/part${n}/ /opt/app/${pick(WORDS)}${n}/`);
    return lines;
  };

  const envBlock = (): string[] => {
    const n = next();
    if (rand() < 0.5) return [`ENV APP_${n}_HOME=/opt/app${n} \\`, `    APP_${n}_PORT=${int(1024, 65000)} \\`, `    APP_${n}_MODE="${pick(WORDS)}"`];
    return [`ARG BUILD_${n}=${version()}`, `ENV BUILD_${n}=\${BUILD_${n}}`];
  };

  const labelBlock = (): string[] => {
    const n = next();
    return [`LABEL org.opencontainers.image.version="${version()}" \\`, `      org.opencontainers.image.revision="${(n * 40503).toString(16)}" \\`, `      com.example.component="${pick(WORDS)}-${n}"`];
  };

  const miscBlock = (): string[] => {
    const n = next();
    switch (int(0, 5)) {
      case 0:
        return [`# step ${n}: ${pick(WORDS)} ${pick(WORDS)}`];
      case 1:
        return [''];
      case 2:
        return [`EXPOSE ${int(1024, 65000)}`];
      case 3:
        return [`USER app${n}`];
      case 4:
        return [`HEALTHCHECK --interval=${int(5, 60)}s --timeout=3s CMD curl -fsS http://localhost:${int(1024, 65000)}/health || exit 1`];
      default:
        return [`WORKDIR /opt/${pick(WORDS)}${n}`];
    }
  };

  /** Single-line blocks, to land on exactly `lineCount` lines. */
  const filler = (): string => {
    const n = next();
    return pick([`# filler ${n}`, `ENV FILL_${n}=${version()}`, `LABEL fill.${n}="${pick(WORDS)}"`, `EXPOSE ${int(1024, 65000)}`, `RUN echo step-${n} > /tmp/step${n}`]);
  };

  const blocks: Array<[number, () => string[]]> = [
    [4, installBlock],
    [2, pipBlock],
    [2, npmBlock],
    [2, curlBlock],
    [3, shellBlock],
    [1, heredocBlock],
    [3, copyBlock],
    [2, envBlock],
    [1, labelBlock],
    [5, miscBlock],
  ];
  const totalWeight = blocks.reduce((s, [w]) => s + w, 0);
  const randomBlock = (): string[] => {
    let r = rand() * totalWeight;
    for (const [w, make] of blocks) {
      r -= w;
      if (r < 0) return make();
    }
    return miscBlock();
  };

  const MAX_BLOCK = 16;
  out.push('# syntax=docker/dockerfile:1.7');
  while (lineCount - out.length > MAX_BLOCK + 4) {
    const block = stage < 0 || linesInStage >= stageLength ? fromBlock() : randomBlock();
    out.push(...block);
    linesInStage += block.length;
  }
  if (stage < 0 && lineCount - out.length >= 4) out.push(...fromBlock());
  while (out.length < lineCount) out.push(filler());
  out.length = Math.min(out.length, lineCount);
  return { text: `${out.join('\n')}\n`, lines: out.length };
}
