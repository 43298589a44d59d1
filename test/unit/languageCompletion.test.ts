/**
 * Berth's own Dockerfile completions, without VS Code: what the cursor is in (src/language/cursorContext.ts),
 * which names are in scope there, and the engine's image references (src/language/engineImages.ts).
 * `|` in a test text marks the cursor.
 */
import * as assert from 'node:assert/strict';
import type { ContainerEngine, ImageSummary } from '../../src/engine/ContainerEngine';
import { EngineUnavailableError } from '../../src/engine/errors';
import { cursorContext, declarations, instructionAt, isValidName, PLATFORM_ARGS, PROXY_ARGS, renameKindAt, stagesBefore, variablesInScope } from '../../src/language/cursorContext';
import type { CursorContext } from '../../src/language/cursorContext';
import { EngineImageNames, imageReferences, splitReference } from '../../src/language/engineImages';
import { parseDockerfile } from '../../src/lint/dockerfile';

function at(textWithCursor: string): CursorContext & { text: string } {
  const offset = textWithCursor.indexOf('|');
  assert.notEqual(offset, -1, 'the test text needs a | cursor');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  return { ...cursorContext(parseDockerfile(text), offset), text };
}

function replaced(c: CursorContext & { text: string }): string {
  assert.notEqual(c.kind, 'none');
  if (c.kind === 'none') return '';
  return c.text.slice(c.replace.start, c.replace.end);
}

function names(c: CursorContext): string[] {
  if (c.kind === 'variable') return c.variables.map((v) => v.name);
  if (c.kind === 'fromImage' || c.kind === 'buildSource') return c.stages.map((s) => s.name);
  return [];
}

const declared = (c: CursorContext): string[] => (c.kind === 'variable' ? c.variables.filter((v) => v.source === 'ARG' || v.source === 'ENV').map((v) => v.name) : []);

describe('language: cursor context', () => {
  describe('FROM image', () => {
    it('after `FROM ` with nothing typed yet', () => {
      const c = at('FROM |');
      assert.equal(c.kind, 'fromImage');
      assert.equal(c.kind === 'fromImage' && c.prefix, '');
      assert.equal(replaced(c), '');
    });

    it('inside a partly typed image, the whole word is replaced and the prefix stops at the cursor', () => {
      const c = at('FROM nod|e:20 AS build\n');
      assert.equal(c.kind, 'fromImage');
      assert.equal(c.kind === 'fromImage' && c.prefix, 'nod');
      assert.equal(replaced(c), 'node:20');
    });

    it('in the tag part', () => {
      const c = at('FROM node:2|');
      assert.equal(c.kind === 'fromImage' && c.prefix, 'node:2');
    });

    it('after --platform, but not inside the flag', () => {
      assert.equal(at('FROM --platform=linux/amd64 |').kind, 'fromImage');
      assert.equal(at('FROM --pl|').kind, 'none');
      assert.equal(at('FROM --platform=linux/am|d64 node').kind, 'none');
    });

    it('not on the keyword, after AS, or in the stage name', () => {
      assert.equal(at('FR|OM node').kind, 'none');
      assert.equal(at('FROM| node').kind, 'none');
      assert.equal(at('FROM node |').kind, 'none');
      assert.equal(at('FROM node AS |').kind, 'none');
      assert.equal(at('FROM node AS bu|').kind, 'none');
    });

    it('offers earlier named stages only (later stages can build on earlier ones)', () => {
      const c = at('FROM node:20 AS Deps\nFROM alpine\nFROM deps AS build\nFROM |\nFROM scratch AS late\n');
      assert.deepEqual(names(c), ['Deps', 'build']);
      assert.equal(c.kind === 'fromImage' && c.stages[0]?.image, 'node:20');
    });

    it('not in a comment line, nor outside instructions', () => {
      assert.equal(at('# FROM |\n').kind, 'none');
      assert.equal(at('|\nFROM node').kind, 'none');
    });

    it('is case-insensitive about the keyword', () => {
      assert.equal(at('from |').kind, 'fromImage');
    });
  });

  describe('COPY --from and RUN --mount from=', () => {
    const stages = 'FROM golang:1.22 AS build\nRUN go build\nFROM alpine\nRUN true\nFROM debian AS final\n';

    it('after `--from=`: earlier stages, with unnamed ones by index', () => {
      const c = at(`${stages}COPY --from=| /src /dst\nFROM scratch AS later\n`);
      assert.equal(c.kind, 'buildSource');
      assert.deepEqual(names(c), ['build', '1']);
      assert.equal(replaced(c), '');
    });

    it('replaces the whole value and keeps the typed prefix', () => {
      const c = at(`${stages}COPY --link --from=bu|ild /a /b\n`);
      assert.equal(c.kind === 'buildSource' && c.prefix, 'bu');
      assert.equal(replaced(c), 'build');
    });

    it('not in other flags or in the paths', () => {
      assert.equal(at(`${stages}COPY --chown=r|oot /a /b\n`).kind, 'none');
      assert.equal(at(`${stages}COPY --from=build /a| /b\n`).kind, 'none');
      assert.equal(at(`${stages}ADD --chown=1 |`).kind, 'none');
    });

    it('in ONBUILD COPY --from=', () => {
      assert.equal(at(`${stages}ONBUILD COPY --from=|`).kind, 'buildSource');
    });

    it('in a RUN mount’s from= option, only that option’s value', () => {
      const c = at(`${stages}RUN --mount=type=bind,from=bu|ild,target=/x make\n`);
      assert.equal(c.kind, 'buildSource');
      assert.equal(replaced(c), 'build');
      assert.equal(at(`${stages}RUN --mount=type=bind,tar|get=/x make\n`).kind, 'none');
      assert.equal(at(`${stages}RUN --mount=type=bind,fr|om=x make\n`).kind, 'none');
    });

    it('stagesBefore: FROM takes names only, COPY also indexes', () => {
      const parsed = parseDockerfile(stages);
      assert.deepEqual(stagesBefore(parsed, 2, true).map((s) => s.name), ['build']);
      assert.deepEqual(stagesBefore(parsed, 2, false).map((s) => s.name), ['build', '1']);
    });
  });

  describe('variables', () => {
    it('after `$`, `${` and within a name, replacing the whole reference', () => {
      const dollar = at('FROM a\nARG V\nRUN echo $|');
      assert.equal(dollar.kind === 'variable' && !dollar.brace, true);
      assert.equal(replaced(dollar), '$');

      const brace = at('FROM a\nARG V\nRUN echo ${|}');
      assert.equal(brace.kind === 'variable' && brace.brace, true);
      assert.equal(replaced(brace), '${}');

      const inside = at('FROM a\nARG VERSION\nRUN echo ${VE|RSION}/x');
      assert.equal(inside.kind === 'variable' && inside.prefix, 'VE');
      assert.equal(replaced(inside), '${VERSION}');
    });

    it('not after an escaped `$`, nor in comments', () => {
      assert.equal(at('FROM a\nRUN echo \\$|').kind, 'none');
      assert.equal(at('# escape=`\nFROM a\nRUN echo `$|').kind, 'none');
      assert.equal(at('FROM a\n# $|\n').kind, 'none');
    });

    it('in FROM lines: global ARGs and the automatic platform ARGs', () => {
      const c = at('ARG BASE=node\nARG TAG=20\nFROM --platform=$BUILDPLATFORM ${BASE}:$|\n');
      assert.deepEqual(declared(c), ['TAG', 'BASE']);
      assert.ok(PLATFORM_ARGS.every((name) => names(c).includes(name)));
      assert.ok(!names(c).includes('HTTP_PROXY'));
    });

    it('global ARGs are not in a stage unless the stage redeclares them, and then with their default', () => {
      const text = 'ARG VERSION=1.2\nARG OTHER\nFROM alpine\nARG VERSION\nRUN echo $|\n';
      const c = at(text);
      assert.deepEqual(declared(c), ['VERSION']);
      assert.equal(c.kind === 'variable' && c.variables[0]?.value, '1.2');
      assert.equal(c.kind === 'variable' && c.variables[0]?.scope, 'stage');
    });

    it('only declarations before the cursor’s instruction, and only in its stage', () => {
      const c = at('FROM a AS one\nARG A1\nENV E1=x\nFROM b\nARG B1\nRUN echo $|\nENV LATER=1\nARG LATER2\n');
      assert.deepEqual(declared(c), ['B1']);
      const sameInstruction = at('FROM a\nENV A=1 B=$|\n');
      assert.deepEqual(declared(sameInstruction), []);
    });

    it('a stage built FROM an earlier stage inherits its ENV, not its ARGs', () => {
      const c = at('FROM alpine AS base\nENV PATH_EXTRA=/opt\nARG BASE_ONLY\nFROM base AS app\nENV APP=1\nCMD echo $|\n');
      assert.deepEqual(declared(c), ['APP', 'PATH_EXTRA']);
      assert.equal(c.kind === 'variable' && c.variables.find((v) => v.name === 'PATH_EXTRA')?.scope, 'parent');
    });

    it('proxy ARGs reach RUN only', () => {
      assert.ok(PROXY_ARGS.every((name) => names(at('FROM a\nRUN curl $|')).includes(name)));
      assert.ok(!names(at('FROM a\nWORKDIR $|')).includes('HTTP_PROXY'));
    });

    it('a later declaration of a name replaces the earlier one, most recent first', () => {
      const c = at('FROM a\nARG X=1\nENV Y=2\nENV X=3\nRUN $|');
      const vars = c.kind === 'variable' ? c.variables.filter((v) => v.source === 'ARG' || v.source === 'ENV') : [];
      assert.deepEqual(
        vars.map((v) => `${v.source} ${v.name}=${v.value}`),
        ['ENV X=3', 'ENV Y=2'],
      );
    });

    it('across continuation lines', () => {
      const c = at('FROM a\nARG A\nRUN echo one \\\n  && echo $|\n');
      assert.deepEqual(declared(c), ['A']);
    });

    it('global ARGs declared before the cursor only, in the global section', () => {
      assert.deepEqual(declared(at('ARG A=1\nARG B=$|\nARG C\nFROM x\n')), ['A']);
    });
  });

  it('declarations: ARG with and without defaults, ENV pairs, legacy ENV, quotes', () => {
    const parsed = parseDockerfile('FROM a\nARG A B=2 C="x y"\nENV D=1 E="two words"\nENV F legacy value here\n');
    const [arg, env, legacy] = parsed.stages[0]?.instructions ?? [];
    assert.ok(arg && env && legacy);
    assert.deepEqual(declarations(arg), [
      { name: 'A', value: undefined },
      { name: 'B', value: '2' },
      { name: 'C', value: 'x y' },
    ]);
    assert.deepEqual(declarations(env), [
      { name: 'D', value: '1' },
      { name: 'E', value: 'two words' },
    ]);
    assert.deepEqual(declarations(legacy), [{ name: 'F', value: 'legacy value here' }]);
  });

  it('variablesInScope for an instruction outside any stage is the global scope', () => {
    const parsed = parseDockerfile('ARG A\nARG B\n');
    const b = parsed.instructions[1];
    assert.ok(b);
    assert.deepEqual(
      variablesInScope(parsed, b)
        .filter((v) => v.source === 'ARG')
        .map((v) => v.name),
      ['A'],
    );
  });

  it('instructionAt finds the instruction across continuations and heredocs, and nothing between them', () => {
    const text = 'FROM a\n\nRUN one \\\n  two\nRUN <<EOF\necho hi\nEOF\n';
    const parsed = parseDockerfile(text);
    assert.equal(instructionAt(parsed, text.indexOf('two'))?.keyword, 'RUN');
    assert.equal(instructionAt(parsed, text.indexOf('echo hi'))?.line, 4);
    assert.equal(instructionAt(parsed, text.indexOf('\n\n') + 1), undefined);
  });

  it('renameKindAt tells stage names from variables, and isValidName checks each', () => {
    const text = 'ARG V=1\nFROM node:$V AS build\nFROM build AS app\nCOPY --from=build /a /b\nRUN --mount=from=build,target=/x true\n';
    const parsed = parseDockerfile(text);
    assert.equal(renameKindAt(parsed, text.indexOf('build')), 'stage');
    assert.equal(renameKindAt(parsed, text.indexOf('FROM build') + 6), 'stage');
    assert.equal(renameKindAt(parsed, text.indexOf('--from=build') + 8), 'stage');
    assert.equal(renameKindAt(parsed, text.indexOf('from=build,') + 6), 'stage');
    assert.equal(renameKindAt(parsed, text.indexOf('$V') + 1), 'variable');
    assert.equal(isValidName('stage', 'my-stage.2'), true);
    assert.equal(isValidName('stage', 'my stage'), false);
    assert.equal(isValidName('stage', '2nd'), false);
    assert.equal(isValidName('variable', 'MY_VAR2'), true);
    assert.equal(isValidName('variable', 'MY-VAR'), false);
  });
});

function image(id: string, repoTags: string[], created: number, size = 1000): ImageSummary {
  return { id, repoTags, repoDigests: [], created, size, containers: 0, labels: {}, dangling: repoTags.length === 0 };
}

function fakeEngine(listImages: ContainerEngine['listImages']): ContainerEngine {
  const unused = () => Promise.reject(new Error('not used'));
  return {
    ping: unused,
    info: unused,
    listContainers: unused,
    listImages,
    listVolumes: unused,
    listNetworks: unused,
    inspectContainer: unused,
    inspect: unused,
    events: () => {
      throw new Error('not used');
    },
    logs: () => {
      throw new Error('not used');
    },
    stats: () => {
      throw new Error('not used');
    },
    imageHistory: unused,
    containerChanges: unused,
    containerAction: unused,
    removeContainer: unused,
    renameContainer: unused,
    diskUsage: unused,
    removeImage: unused,
    tagImage: unused,
    openExec: unused,
    createContainer: unused,
    buildImage: unused,
    pullImage: unused,
    statPath: unused,
    readDirectory: unused,
    readFile: unused,
    writeFile: unused,
    createDirectory: unused,
    copyFromContainer: unused,
    copyToContainer: unused,
    pushImage: unused,
    openAttach: unused,
    shellFor: unused,
    removeVolume: unused,
    removeNetwork: unused,
    pruneBuildCache: unused,
    dispose: () => undefined,
  };
}

describe('language: engine images', () => {
  it('imageReferences: repo:tag and bare repos (for the newest), no <none>, sorted', () => {
    const refs = imageReferences([
      image('sha256:old', ['node:18'], 100),
      image('sha256:new', ['node:20', 'localhost:5000/app:1'], 200),
      image('sha256:dangling', ['<none>:<none>'], 300),
      image('sha256:untagged', [], 300),
    ]);
    assert.deepEqual(
      refs.map((r) => r.reference),
      ['localhost:5000/app', 'localhost:5000/app:1', 'node', 'node:18', 'node:20'],
    );
    assert.equal(refs.find((r) => r.reference === 'node')?.imageId, 'sha256:new');
  });

  it('splitReference splits at the tag, not at a registry port or a digest', () => {
    assert.deepEqual(splitReference('localhost:5000/app:1'), { repository: 'localhost:5000/app', tag: '1' });
    assert.deepEqual(splitReference('localhost:5000/app'), { repository: 'localhost:5000/app', tag: undefined });
    assert.deepEqual(splitReference('node@sha256:abc'), { repository: 'node', tag: undefined });
  });

  it('caches the list for a few seconds and passes a signal and a short timeout', async () => {
    let now = 0;
    const calls: Array<{ signal: boolean; timeoutMs: number | undefined }> = [];
    const engine = fakeEngine((o) => {
      calls.push({ signal: o?.signal instanceof AbortSignal, timeoutMs: o?.timeoutMs });
      return Promise.resolve([image('sha256:1', ['node:20'], 1)]);
    });
    const names = new EngineImageNames(() => Promise.resolve(engine), { now: () => now, ttlMs: 5000, timeoutMs: 1500 });
    assert.deepEqual((await names.get()).map((r) => r.reference), ['node', 'node:20']);
    now = 4000;
    await names.get();
    assert.equal(calls.length, 1);
    now = 5001;
    await names.get();
    assert.deepEqual(calls, [
      { signal: true, timeoutMs: 1500 },
      { signal: true, timeoutMs: 1500 },
    ]);
  });

  it('an unavailable engine gives [] (reported once) and is not asked again until the cache expires', async () => {
    let now = 0;
    let calls = 0;
    const errors: unknown[] = [];
    const names = new EngineImageNames(
      () => {
        calls++;
        return Promise.reject(new EngineUnavailableError('not-running', 'connect ECONNREFUSED'));
      },
      { now: () => now, onError: (e) => errors.push(e) },
    );
    assert.deepEqual(await names.get(), []);
    assert.deepEqual(await names.get(), []);
    assert.equal(calls, 1);
    now = 10_000;
    assert.deepEqual(await names.get(), []);
    assert.equal(calls, 2);
    assert.equal(errors.length, 1);
  });

  it('a hanging engine gives [] at the deadline and the call is aborted', async () => {
    let aborted = false;
    const engine = fakeEngine(
      (o) =>
        new Promise((_, reject) => {
          o?.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          });
        }),
    );
    const names = new EngineImageNames(() => Promise.resolve(engine), { timeoutMs: 50 });
    const started = Date.now();
    assert.deepEqual(await names.get(), []);
    assert.ok(Date.now() - started < 1000);
    assert.equal(aborted, true);
  });

  it('a hanging connection also ends at the deadline', async () => {
    const names = new EngineImageNames(() => new Promise<ContainerEngine>(() => undefined), { timeoutMs: 50 });
    assert.deepEqual(await names.get(), []);
  });

  it('concurrent callers share one lookup; one caller cancelling does not abort it for the other', async () => {
    let calls = 0;
    let release: (images: ImageSummary[]) => void = () => undefined;
    let engineSignal: AbortSignal | undefined;
    const engine = fakeEngine((o) => {
      calls++;
      engineSignal = o?.signal;
      return new Promise((resolve) => {
        release = resolve;
      });
    });
    const names = new EngineImageNames(() => Promise.resolve(engine), { timeoutMs: 5000 });
    const first = new AbortController();
    const a = names.get(first.signal);
    const b = names.get();
    await new Promise((r) => setImmediate(r));
    first.abort();
    assert.deepEqual(await a, []);
    assert.equal(engineSignal?.aborted, false);
    release([image('sha256:1', ['x:1'], 1)]);
    assert.deepEqual((await b).map((r) => r.reference), ['x', 'x:1']);
    assert.equal(calls, 1);
    names.dispose();
  });

  it('the lookup is aborted when every caller has cancelled, and nothing is cached', async () => {
    let engineSignal: AbortSignal | undefined;
    const engine = fakeEngine((o) => {
      engineSignal = o?.signal;
      return new Promise((_, reject) => o?.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const names = new EngineImageNames(() => Promise.resolve(engine), { timeoutMs: 5000 });
    const caller = new AbortController();
    const pending = names.get(caller.signal);
    await new Promise((r) => setImmediate(r));
    caller.abort();
    assert.deepEqual(await pending, []);
    assert.equal(engineSignal?.aborted, true);
    await new Promise((r) => setImmediate(r));
    assert.equal(names.pending, false);
  });
});
