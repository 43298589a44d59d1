/**
 * Run options: pasted `docker run` lines (real-world ones, shell quoting, refused shell syntax,
 * unsupported flags and bad values), the value parsers, the ContainerCreate body, a seeded
 * round-trip property (parse(format(o)) equals o), and the engine/run.ts request shape and
 * failure kinds against a stand-in engine.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { formatMessage as t } from '../../src/l10n';
import {
  dockerRunWords,
  emptyRunOptions,
  formatDockerRun,
  formatMemory,
  parseDockerRun,
  parseEnvFile,
  parseExposeSpec,
  parseMemory,
  parsePortSpec,
  shellWords,
  suggestedPorts,
  toCreateOptions,
} from '../../src/run/runOptions';
import type { ParseContext, PortBinding, PortProtocol, RunOptions, VolumeSpec } from '../../src/run/runOptions';
import { createContainer, runFailureKind, startContainer } from '../../src/engine/run';
import { CancelledError, EngineUnavailableError, RequestFailedError } from '../../src/engine/errors';
import { prng } from '../harness/random';

function parsed(line: string, context?: ParseContext): RunOptions {
  const result = parseDockerRun(line, t, context);
  if ('error' in result) assert.fail(`expected ${line} to parse, got: ${result.error}`);
  return result.options;
}

function failure(line: string, context?: ParseContext): string {
  const result = parseDockerRun(line, t, context);
  if ('options' in result) assert.fail(`expected ${line} to fail, got ${JSON.stringify(result.options)}`);
  return result.error;
}

function options(image: string, changes: Partial<RunOptions>): RunOptions {
  return { ...emptyRunOptions(image), ...changes };
}

describe('run options: parsing a docker run line', () => {
  describe('real-world lines', () => {
    it('getting started: detached with a published port', () => {
      assert.deepStrictEqual(parsed('docker run -d -p 80:80 docker/getting-started'), options('docker/getting-started', { detach: true, ports: [{ hostPort: 80, containerPort: 80, protocol: 'tcp' }] }));
    });

    it('postgres: a name, an env var and -d after them', () => {
      assert.deepStrictEqual(
        parsed('docker run --name some-postgres -e POSTGRES_PASSWORD=mysecretpassword -d postgres'),
        options('postgres', { name: 'some-postgres', env: [{ name: 'POSTGRES_PASSWORD', value: 'mysecretpassword' }], detach: true }),
      );
    });

    it('an interactive throwaway shell', () => {
      assert.deepStrictEqual(parsed('docker run -it --rm ubuntu bash'), options('ubuntu', { interactive: true, tty: true, remove: true, command: ['bash'] }));
    });

    it('redis on localhost with its own command and flags after the image', () => {
      assert.deepStrictEqual(
        parsed('docker run -d --name redis -p 127.0.0.1:6379:6379 redis:7-alpine redis-server --appendonly yes'),
        options('redis:7-alpine', {
          detach: true,
          name: 'redis',
          ports: [{ hostIp: '127.0.0.1', hostPort: 6379, containerPort: 6379, protocol: 'tcp' }],
          command: ['redis-server', '--appendonly', 'yes'],
        }),
      );
    });

    it('mysql: flags after the image belong to the command, not to docker', () => {
      const o = parsed('docker run -e MYSQL_ROOT_PASSWORD=my-secret-pw -d mysql:8 --character-set-server=utf8mb4 --gpus');
      assert.deepStrictEqual(o.command, ['--character-set-server=utf8mb4', '--gpus']);
      assert.equal(o.image, 'mysql:8');
    });

    it('a read-only bind, restart policy, memory and CPU limits', () => {
      assert.deepStrictEqual(
        parsed('docker run -d -v /srv/data:/data:ro --restart unless-stopped -m 512m --cpus=1.5 nginx:1.25'),
        options('nginx:1.25', {
          detach: true,
          volumes: [{ kind: 'bind', source: '/srv/data', target: '/data', readOnly: true, via: '-v' }],
          restart: { name: 'unless-stopped' },
          memoryBytes: 512 * 1024 * 1024,
          cpus: 1.5,
        }),
      );
    });

    it('quoting: -e "A=b c" and an sh -c script in single quotes', () => {
      const o = parsed(`docker run --rm -e "GREETING=hello world" alpine sh -c 'echo $GREETING; echo "done"'`);
      assert.deepStrictEqual(o.env, [{ name: 'GREETING', value: 'hello world' }]);
      assert.deepStrictEqual(o.command, ['sh', '-c', 'echo $GREETING; echo "done"']);
    });

    it('podman run and docker container run', () => {
      assert.deepStrictEqual(parsed('podman run --rm -it registry.fedoraproject.org/fedora:40 bash'), options('registry.fedoraproject.org/fedora:40', { remove: true, interactive: true, tty: true, command: ['bash'] }));
      assert.deepStrictEqual(parsed('docker container run -d --network host --name traefik traefik:v3'), options('traefik:v3', { detach: true, network: 'host', name: 'traefik' }));
      assert.equal(parsed('/usr/bin/docker run alpine').image, 'alpine');
    });

    it('only the flags, or only an image', () => {
      assert.deepStrictEqual(parsed('--rm -it alpine sh'), options('alpine', { remove: true, interactive: true, tty: true, command: ['sh'] }));
      assert.deepStrictEqual(parsed('nginx:1.25'), options('nginx:1.25', {}));
    });

    it('a prompt or sudo in front, and backslash-newline continuations (LF and CRLF)', () => {
      assert.equal(parsed('$ docker run hello-world').image, 'hello-world');
      assert.equal(parsed('sudo docker run hello-world').image, 'hello-world');
      const multi = 'docker run \\\n  -d \\\n  --name web \\\r\n  -p 8080:80 \\\n  nginx\n';
      assert.deepStrictEqual(parsed(multi), options('nginx', { detach: true, name: 'web', ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] }));
    });

    it('a named volume with --mount, and $(pwd) with a folder to resolve it', () => {
      assert.deepStrictEqual(parsed('docker run -d --mount type=volume,source=pgdata,target=/var/lib/postgresql/data postgres:16').volumes, [
        { kind: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false, via: '--mount' },
      ]);
      const o = parsed('docker run --rm -v "$(pwd)":/work -v $PWD/cache:/cache -v ${HOME}/.npm:/root/.npm -w /work node:20 npm test', { cwd: '/home/me/app', home: '/home/me' });
      assert.deepStrictEqual(o.volumes, [
        { kind: 'bind', source: '/home/me/app', target: '/work', readOnly: false, via: '-v' },
        { kind: 'bind', source: '/home/me/app/cache', target: '/cache', readOnly: false, via: '-v' },
        { kind: 'bind', source: '/home/me/.npm', target: '/root/.npm', readOnly: false, via: '-v' },
      ]);
      assert.deepStrictEqual(o.command, ['npm', 'test']);
    });

    it('relative bind sources and env files resolve against the folder given', () => {
      const o = parsed('docker run -v ./data:/data -v ../shared:/shared:ro -v ~/x:/x --env-file .env --env-file=/etc/app.env alpine', { cwd: '/w/app', home: '/root' });
      assert.deepStrictEqual(
        o.volumes.map((v) => v.source),
        ['/w/app/data', '/w/shared', '/root/x'],
      );
      assert.deepStrictEqual(o.envFiles, ['/w/app/.env', '/etc/app.env']);
      assert.match(failure('docker run -v ./data:/data alpine'), /^-v \.\/data: a relative path needs a folder/);
      assert.match(failure('docker run --env-file .env alpine'), /^--env-file \.env: a relative path/);
    });

    it('the rest of the supported flags', () => {
      const o = parsed(
        'docker run --rm --read-only --cap-drop ALL --cap-add NET_BIND_SERVICE --cap-add=CHOWN --init --privileged=false --platform linux/arm64 --pull=never ' +
          '-u 1000:1000 -h web --hostname=web2 -l app=web -l tier --label=x.y=1=2 --entrypoint /bin/sh -P --expose 9000 --expose=53/udp --net=none -i -t=false alpine -c true',
      );
      assert.deepStrictEqual(
        o,
        options('alpine', {
          remove: true,
          readOnly: true,
          capDrop: ['ALL'],
          capAdd: ['NET_BIND_SERVICE', 'CHOWN'],
          init: true,
          privileged: false,
          platform: 'linux/arm64',
          pull: 'never',
          user: '1000:1000',
          hostname: 'web2',
          labels: [
            { name: 'app', value: 'web' },
            { name: 'tier', value: '' },
            { name: 'x.y', value: '1=2' },
          ],
          entrypoint: '/bin/sh',
          publishAll: true,
          expose: [
            { port: 9000, protocol: 'tcp' },
            { port: 53, protocol: 'udp' },
          ],
          network: 'none',
          interactive: true,
          tty: false,
          command: ['-c', 'true'],
        }),
      );
    });

    it('an empty --entrypoint clears the image entrypoint', () => {
      assert.equal(parsed(`docker run --entrypoint '' alpine`).entrypoint, '');
      assert.deepStrictEqual(toCreateOptions(parsed(`docker run --entrypoint="" alpine`), {}).Entrypoint, ['']);
    });
  });

  describe('short and long forms', () => {
    it('combined booleans: -it, -itd, -dit', () => {
      for (const flags of ['-itd', '-dit', '-i -t -d', '-ti -d', '--interactive --tty --detach', '--interactive=true --tty=1 --detach=T']) {
        const o = parsed(`docker run ${flags} alpine`);
        assert.deepStrictEqual([o.interactive, o.tty, o.detach], [true, true, true], flags);
      }
    });

    it('values glued, after =, or in the next word; a value flag may end a cluster', () => {
      for (const line of ['docker run -p8080:80 alpine', 'docker run -p=8080:80 alpine', 'docker run --publish=8080:80 alpine', 'docker run --publish 8080:80 alpine', 'docker run -dp 8080:80 alpine', 'docker run -dp8080:80 alpine']) {
        assert.deepStrictEqual(parsed(line).ports, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], line);
      }
      assert.deepStrictEqual(parsed('docker run -eA=1 -e=B=2 --env C=3 --env=D==4 alpine').env, [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
        { name: 'C', value: '3' },
        { name: 'D', value: '=4' },
      ]);
      assert.equal(parsed('docker run -m=1g alpine').memoryBytes, 1024 ** 3);
      assert.equal(parsed('docker run --memory 64MiB alpine').memoryBytes, 64 * 1024 ** 2);
      assert.equal(parsed('docker run -w/tmp alpine').workdir, '/tmp');
    });

    it('a value may look like a flag (pflag takes the next word)', () => {
      assert.equal(parsed('docker run --entrypoint -x alpine').entrypoint, '-x');
    });

    it('booleans with false, and the last of a repeated single-value flag wins', () => {
      const o = parsed('docker run -d=false --rm=false --name a1 --name a2 --restart always --restart no alpine');
      assert.equal(o.detach, false);
      assert.equal(o.remove, false);
      assert.equal(o.name, 'a2');
      assert.deepStrictEqual(o.restart, { name: 'no' });
    });

    it('-- ends the flags', () => {
      const o = parsed('docker run -d -- alpine -d');
      assert.equal(o.image, 'alpine');
      assert.deepStrictEqual(o.command, ['-d']);
    });

    it('-v forms: bind, named, anonymous, with ro/rw', () => {
      assert.deepStrictEqual(parsed('docker run -v /a:/b -v /c:/d:rw -v name:/e:ro -v /f -v /g:ro -v /h/../i:/j alpine').volumes, [
        { kind: 'bind', source: '/a', target: '/b', readOnly: false, via: '-v' },
        { kind: 'bind', source: '/c', target: '/d', readOnly: false, via: '-v' },
        { kind: 'volume', source: 'name', target: '/e', readOnly: true, via: '-v' },
        { kind: 'anonymous', target: '/f', readOnly: false, via: '-v' },
        { kind: 'anonymous', target: '/g', readOnly: true, via: '-v' },
        { kind: 'bind', source: '/i', target: '/j', readOnly: false, via: '-v' },
      ]);
    });

    it('--mount forms, with CSV quoting for a comma in a path', () => {
      const o = parsed(`docker run --mount type=bind,src=/a,dst=/b,ro=true --mount 'type=bind,"source=/x,y",target=/c,readonly' --mount target=/anon --mount type=volume,source=v1,destination=/v,readonly=false alpine`);
      assert.deepStrictEqual(o.volumes, [
        { kind: 'bind', source: '/a', target: '/b', readOnly: true, via: '--mount' },
        { kind: 'bind', source: '/x,y', target: '/c', readOnly: true, via: '--mount' },
        { kind: 'anonymous', target: '/anon', readOnly: false, via: '--mount' },
        { kind: 'volume', source: 'v1', target: '/v', readOnly: false, via: '--mount' },
      ]);
    });
  });

  describe('unsupported flags are named exactly', () => {
    const known = [
      ['docker run --gpus all nvidia/cuda', '--gpus'],
      ['docker run --gpus=all nvidia/cuda', '--gpus'],
      ['docker run --device /dev/fuse alpine', '--device'],
      ['docker run --shm-size 1g alpine', '--shm-size'],
      ['docker run --add-host db:10.0.0.2 alpine', '--add-host'],
      ['docker run --security-opt seccomp=unconfined alpine', '--security-opt'],
      ['docker run --tmpfs /run alpine', '--tmpfs'],
      ['docker run --ulimit nofile=1024 alpine', '--ulimit'],
      ['docker run --log-driver none alpine', '--log-driver'],
      ['docker run --dns 1.1.1.1 alpine', '--dns'],
      ['docker run --pid host alpine', '--pid'],
      ['docker run --ipc=host alpine', '--ipc'],
      ['docker run --sysctl net.ipv4.ip_forward=1 alpine', '--sysctl'],
      ['docker run --health-cmd true alpine', '--health-cmd'],
      ['docker run --volumes-from other alpine', '--volumes-from'],
      ['docker run --link db alpine', '--link'],
      ['docker run --memory-swap 1g alpine', '--memory-swap'],
      ['docker run --label-file labels alpine', '--label-file'],
      ['docker run -a stdout alpine', '-a'],
      ['docker run -c 512 alpine', '-c'],
      ['docker run -dc 512 alpine', '-c'],
    ] as const;
    for (const [line, flag] of known) {
      it(`${flag} in ${line}`, () => {
        const error = failure(line);
        assert.ok(error.includes(`The flag ${flag} is not supported`), error);
      });
    }

    const unknown = [
      ['docker run --frobnicate alpine', '--frobnicate'],
      ['docker run --frobnicate=3 alpine', '--frobnicate'],
      ['docker run -itx alpine', '-x'],
      ['docker run -Z alpine', '-Z'],
      ['docker run --pod mypod alpine', '--pod'],
    ] as const;
    for (const [line, flag] of unknown) {
      it(`unknown ${flag} in ${line}`, () => {
        assert.equal(failure(line), `${flag} is not a docker run flag that Berth knows.`);
      });
    }

    it('options of docker itself, and other subcommands', () => {
      assert.equal(failure('docker -H tcp://10.0.0.1:2375 run alpine'), 'The docker option -H comes before run; only options of run itself are accepted.');
      assert.equal(failure('docker create alpine'), '"docker create" is not a run command; paste a docker run command.');
      assert.equal(failure('docker'), 'Nothing follows docker; paste a docker run command.');
    });

    it('a missing value or image', () => {
      assert.equal(failure('docker run --name'), '--name needs a value.');
      assert.equal(failure('docker run -p'), '-p needs a value.');
      assert.equal(failure('docker run -d'), 'The line names no image: after the flags, give the image to run.');
      assert.equal(failure(''), 'The line names no image: after the flags, give the image to run.');
    });
  });

  describe('invalid values name the flag and the value', () => {
    const cases = [
      ['docker run -p 80:99999 alpine', '-p 80:99999'],
      ['docker run -p abc alpine', '-p abc'],
      ['docker run --publish=1.2.3.4:80 alpine', '--publish 1.2.3.4:80'],
      ['docker run -p ::1:80:80 alpine', '-p ::1:80:80'],
      ['docker run -p 80/xdp alpine', '-p 80/xdp'],
      ['docker run -p 8000-8010:80 alpine', '-p 8000-8010:80'],
      ['docker run --expose 0 alpine', '--expose 0'],
      ['docker run -m 12q alpine', '-m 12q'],
      ['docker run --memory=lots alpine', '--memory lots'],
      ['docker run --memory=-1 alpine', '--memory -1'],
      ['docker run --restart sometimes alpine', '--restart sometimes'],
      ['docker run --restart always:3 alpine', '--restart always:3'],
      ['docker run --restart on-failure:x alpine', '--restart on-failure:x'],
      ['docker run --cpus 1.2.3 alpine', '--cpus 1.2.3'],
      ['docker run --cpus 0.0000000001 alpine', '--cpus 0.0000000001'],
      ['docker run --cpus=-1 alpine', '--cpus -1'],
      ['docker run --name -bad alpine', '--name -bad'],
      ['docker run --name x alpine', '--name x'],
      ['docker run --pull newer alpine', '--pull newer'],
      ['docker run -l =v alpine', '-l =v'],
      ['docker run -e =v alpine', '-e =v'],
      ['docker run -e A alpine', '-e A'],
      ['docker run -v data:relative alpine', '-v data:relative'],
      ['docker run -v /a:/b:z alpine', '-v /a:/b:z'],
      ['docker run -v a:b:c:d alpine', '-v a:b:c:d'],
      ["docker run -v 'Bad$Name:/x' alpine", '-v Bad$Name:/x: "Bad$Name" is neither'],
      ['docker run --mount type=tmpfs,target=/x alpine', '--mount type=tmpfs,target=/x'],
      ['docker run --mount type=bind,target=/x alpine', '--mount type=bind,target=/x'],
      ['docker run --mount type=volume,source=v alpine', '--mount type=volume,source=v'],
      ['docker run --mount type=bind,source=/a,target=/b,bind-propagation=rshared alpine', '--mount type=bind,source=/a,target=/b,bind-propagation=rshared'],
      ['docker run --rm=maybe alpine', '--rm'],
      ['docker run --network a --network b alpine', '--network b'],
      ['docker run --rm --restart always alpine', '--rm and --restart always'],
    ] as const;
    for (const [line, expected] of cases) {
      it(line, () => {
        const error = failure(line);
        assert.ok(error.includes(expected), `"${error}" should name "${expected}"`);
      });
    }

    it('-e NAME without a value explains why it is refused', () => {
      assert.equal(failure('docker run -e HOME alpine'), '-e HOME: Docker would take the value from your shell, which Berth cannot see; write HOME=value.');
    });
  });

  describe('shell syntax that only a shell could handle is refused', () => {
    for (const [line, op] of [
      ['docker run alpine | grep x', '|'],
      ['docker run alpine; echo done', ';'],
      ['docker run alpine && echo ok', '&&'],
      ['docker run alpine || true', '||'],
      ['docker run alpine > out.txt', '>'],
      ['docker run alpine 2>/dev/null', '>'],
      ['docker run -i alpine < in.txt', '<'],
      ['docker run alpine &', '&'],
      ['docker run alpine sh -c (true)', '('],
    ] as const) {
      it(`the operator ${op} in ${line}`, () => {
        assert.equal(failure(line), `${op} is a shell operator, not a flag; paste a single docker run command.`);
      });
    }

    it('globs, comments, variables and command substitution', () => {
      assert.equal(failure('docker run -v /tmp/*:/x alpine'), '/tmp/*:/x has an unquoted * or ?, which a shell would expand to file names; quote it.');
      assert.equal(failure('docker run alpine ls a?'), 'a? has an unquoted * or ?, which a shell would expand to file names; quote it.');
      assert.equal(failure('docker run alpine # the shell'), 'The line has a comment (# the shell); remove it: only a docker run command is accepted.');
      assert.equal(failure('docker run -v $PWD:/app alpine'), '$PWD is a shell variable; Berth does not run a shell and cannot know its value, so write the value instead.');
      assert.match(failure('docker run -e "A=$B" alpine'), /^\$B is a shell variable/);
      assert.match(failure('docker run -e A=${B:-x} alpine'), /^\$\{B:-x\} is a shell variable/);
      assert.match(failure('docker run -v "$(pwd)":/app alpine'), /^\$PWD is a shell variable/);
      const substitution = 'The line uses command substitution ($(…) or backquotes), which needs a shell; write the value instead.';
      assert.equal(failure('docker run --name $(whoami) alpine'), substitution);
      assert.equal(failure('docker run --name "`whoami`" alpine'), substitution);
      assert.equal(failure('docker run -e "A=$(date)" alpine'), substitution);
    });

    it('what is quoted or escaped stays literal', () => {
      const o = parsed(`docker run -e 'A=$B' -e B=x#y -e "C=a'b" alpine echo \\* '#' "*" 'echo \`date\`' '$(x)' a\\ b $`);
      assert.deepStrictEqual(o.env, [
        { name: 'A', value: '$B' },
        { name: 'B', value: 'x#y' },
        { name: 'C', value: "a'b" },
      ]);
      assert.deepStrictEqual(o.command, ['echo', '*', '#', '*', 'echo `date`', '$(x)', 'a b', '$']);
    });

    it('unterminated quotes and several lines', () => {
      assert.equal(failure('docker run "alpine'), 'The line has an unterminated " quote.');
      assert.equal(failure("docker run 'alpine"), "The line has an unterminated ' quote.");
      assert.match(failure('docker run alpine\ndocker run busybox'), /^The text holds more than one line/);
    });

    it('shellWords keeps quoted newlines and empty words', () => {
      assert.deepStrictEqual(shellWords(`a '' "b\nc" 'd e'`, t), { words: ['a', '', 'b\nc', 'd e'] });
    });
  });
});

describe('run options: value parsers', () => {
  it('parsePortSpec', () => {
    const p = (containerPort: number, extra: Partial<PortBinding> = {}): PortBinding => ({ containerPort, protocol: 'tcp', ...extra });
    const table: Array<[string, PortBinding[] | undefined]> = [
      ['80', [p(80)]],
      ['8080:80', [p(80, { hostPort: 8080 })]],
      ['127.0.0.1:8080:80', [p(80, { hostIp: '127.0.0.1', hostPort: 8080 })]],
      ['127.0.0.1::80', [p(80, { hostIp: '127.0.0.1' })]],
      ['[::1]:8080:80', [p(80, { hostIp: '::1', hostPort: 8080 })]],
      ['[::]::53/udp', [p(53, { hostIp: '::', protocol: 'udp' })]],
      ['53:53/UDP', [p(53, { hostPort: 53, protocol: 'udp' })]],
      ['9/sctp', [p(9, { protocol: 'sctp' })]],
      ['8000-8001:9000-9001', [p(9000, { hostPort: 8000 }), p(9001, { hostPort: 8001 })]],
      ['7000-7001', [p(7000), p(7001)]],
      ['0', undefined],
      ['65536', undefined],
      ['80:', undefined],
      ['a:80', undefined],
      ['1.2.3:80:80', undefined],
      ['::1:80:80', undefined],
      ['[127.0.0.1]:80:80', undefined],
      ['[::1]:80', undefined],
      ['80/tcp/udp', undefined],
      ['9001-9000', undefined],
      ['8000-8002:9000-9001', undefined],
      ['', undefined],
    ];
    for (const [spec, expected] of table) assert.deepStrictEqual(parsePortSpec(spec), expected, spec);
    assert.deepStrictEqual(parseExposeSpec('80'), [{ port: 80, protocol: 'tcp' }]);
    assert.equal(parseExposeSpec('80:80'), undefined);
  });

  it('parseMemory and formatMemory', () => {
    const table: Array<[string, number | undefined]> = [
      ['0', 0],
      ['512', 512],
      ['512b', 512],
      ['1k', 1024],
      ['64m', 64 * 1024 ** 2],
      ['64M', 64 * 1024 ** 2],
      ['64MiB', 64 * 1024 ** 2],
      ['64mb', 64 * 1024 ** 2],
      ['2 GB', 2 * 1024 ** 3],
      ['1.5g', 1.5 * 1024 ** 3],
      ['1t', 1024 ** 4],
      ['0.1k', 102],
      ['', undefined],
      ['m', undefined],
      ['-1m', undefined],
      ['1.2.3m', undefined],
      ['12q', undefined],
      ['1e3', undefined],
      ['99999999p', undefined],
    ];
    for (const [text, expected] of table) assert.equal(parseMemory(text), expected, text);
    assert.deepStrictEqual([formatMemory(64 * 1024 ** 2), formatMemory(3 * 1024 ** 3), formatMemory(1536), formatMemory(1000), formatMemory(0)], ['64m', '3g', '1536', '1000', '0']);
    assert.deepStrictEqual([formatMemory(2048)], ['2k']);
  });

  it('parseEnvFile follows Docker: comments, blank lines, literal values, no quote processing', () => {
    const text = '\uFEFF# a comment\n\nA=1\n  B = 2\nC="quoted value"  \r\nD=\nE=a=b\n   # indented comment\nINHERITED\nF=#not a comment\n\tG=tab\n';
    const result = parseEnvFile(text);
    assert.deepStrictEqual(result, { ok: false, line: 4, problem: 'whitespace-in-name', text: 'B ' });
    const good = parseEnvFile(text.replace('  B = 2\n', ''));
    assert.deepStrictEqual(good, {
      ok: true,
      entries: [
        { name: 'A', value: '1' },
        { name: 'C', value: '"quoted value"  ' },
        { name: 'D', value: '' },
        { name: 'E', value: 'a=b' },
        { name: 'F', value: '#not a comment' },
        { name: 'G', value: 'tab' },
      ],
      inherited: ['INHERITED'],
    });
    assert.deepStrictEqual(parseEnvFile('A=1\n=2\n'), { ok: false, line: 2, problem: 'no-name', text: '=2' });
    assert.deepStrictEqual(parseEnvFile(''), { ok: true, entries: [], inherited: [] });
    assert.deepStrictEqual(parseEnvFile('X=1'), { ok: true, entries: [{ name: 'X', value: '1' }], inherited: [] });
  });

  it('suggestedPorts reads Config.ExposedPorts of an image inspect', () => {
    const inspect = { Id: 'sha256:x', Config: { ExposedPorts: { '8080/tcp': {}, '53/udp': {}, '443/tcp': {}, '53/tcp': {}, '80': {}, 'junk/xdp': {} } } };
    assert.deepStrictEqual(suggestedPorts(inspect), [
      { port: 53, protocol: 'tcp' },
      { port: 53, protocol: 'udp' },
      { port: 80, protocol: 'tcp' },
      { port: 443, protocol: 'tcp' },
      { port: 8080, protocol: 'tcp' },
    ]);
    for (const nothing of [undefined, null, 'x', [], {}, { Config: null }, { Config: { ExposedPorts: null } }, { Config: { ExposedPorts: [] } }]) {
      assert.deepStrictEqual(suggestedPorts(nothing), []);
    }
  });
});

describe('run options: the ContainerCreate body', () => {
  it('a full line becomes the body docker run would send', () => {
    const o = parsed(
      'docker run -d --name web -e A=1 -e B=2 -l k=v -p 8080:80 -p 127.0.0.1::53/udp -P --expose 9000 -v /srv:/srv:ro -v data:/data -v /anon -v /anon-ro:ro ' +
        '--mount type=bind,source=/m,target=/mnt,readonly --mount type=volume,target=/cache --network none --restart on-failure:2 -m 64m --cpus 0.5 ' +
        '-w /tmp -u nobody -h box --read-only --cap-add NET_ADMIN --cap-drop ALL --privileged --init --entrypoint /bin/sh berth-test/busybox:latest -c \'echo $0\'',
    );
    assert.deepStrictEqual(toCreateOptions(o, {}), {
      Image: 'berth-test/busybox:latest',
      Cmd: ['-c', 'echo $0'],
      Entrypoint: ['/bin/sh'],
      Env: ['A=1', 'B=2'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {}, '9000/tcp': {} },
      Volumes: { '/anon': {} },
      Labels: { k: 'v' },
      WorkingDir: '/tmp',
      User: 'nobody',
      Hostname: 'box',
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      HostConfig: {
        PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        PublishAllPorts: true,
        Binds: ['/srv:/srv:ro', 'data:/data'],
        Mounts: [
          { Type: 'volume', Target: '/anon-ro', ReadOnly: true },
          { Type: 'bind', Source: '/m', Target: '/mnt', ReadOnly: true },
          { Type: 'volume', Target: '/cache', ReadOnly: false },
        ],
        NetworkMode: 'none',
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 },
        Memory: 64 * 1024 * 1024,
        NanoCpus: 500_000_000,
        AutoRemove: false,
        ReadonlyRootfs: true,
        CapAdd: ['NET_ADMIN'],
        CapDrop: ['ALL'],
        Privileged: true,
        Init: true,
      },
    });
  });

  it('a plain image gives a minimal attached body', () => {
    assert.deepStrictEqual(toCreateOptions(parsed('docker run alpine'), {}), {
      Image: 'alpine',
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: { PublishAllPorts: false, AutoRemove: false, ReadonlyRootfs: false, Privileged: false },
    });
  });

  it('-it attaches stdin once; -dit does not attach', () => {
    const it = toCreateOptions(parsed('docker run -it --rm alpine'), {});
    assert.deepStrictEqual([it.Tty, it.OpenStdin, it.StdinOnce, it.AttachStdin, it.AttachStdout, it.HostConfig.AutoRemove], [true, true, true, true, true, true]);
    const dit = toCreateOptions(parsed('docker run -dit alpine'), {});
    assert.deepStrictEqual([dit.Tty, dit.OpenStdin, dit.StdinOnce, dit.AttachStdin, dit.AttachStdout, dit.AttachStderr], [true, true, false, false, false, false]);
  });

  it('env files first, in order, then -e overrides, one entry per name', () => {
    const o = parsed('docker run --env-file /a.env --env-file /b.env -e B=from-flag -e Z=last -e A=again alpine');
    const body = toCreateOptions(o, { '/a.env': 'A=from-a\nB=from-a\n# c\nINHERITED\n', '/b.env': 'C=from-b\nA=from-b\n' });
    assert.deepStrictEqual(body.Env, ['A=again', 'B=from-flag', 'C=from-b', 'Z=last']);
  });

  it('a missing or invalid env file is the caller’s mistake: it throws', () => {
    const o = parsed('docker run --env-file /a.env alpine');
    assert.throws(() => toCreateOptions(o, {}), /No contents were given for the env file \/a\.env/);
    assert.throws(() => toCreateOptions(o, { '/a.env': 'BAD NAME=1' }), /The env file \/a\.env has a variable name with spaces on line 1/);
    assert.throws(() => toCreateOptions(parsed('docker run --env-file /constructor alpine'), {}), /No contents/);
  });

  it('labels and env keep odd names as data', () => {
    const body = toCreateOptions(parsed(`docker run -l __proto__=x -l 'a b=c' alpine`), {});
    assert.deepStrictEqual(Object.keys(body.Labels ?? {}), ['__proto__', 'a b']);
    assert.equal(JSON.stringify(body.Labels), '{"__proto__":"x","a b":"c"}');
  });
});

describe('run options: formatting and the round trip', () => {
  it('formats a readable command line', () => {
    const o = parsed(`docker run -itd --rm --name web -p 8080:80 -e 'MSG=hello world' -v /srv:/srv:ro -m 64m --cpus 0.5 nginx sh -c 'echo "$MSG"'`);
    assert.equal(formatDockerRun(o), `docker run -dit --rm --name web --memory 64m --cpus 0.5 -e 'MSG=hello world' -p 8080:80 -v /srv:/srv:ro nginx sh -c 'echo "$MSG"'`);
    assert.deepStrictEqual(dockerRunWords(options('-odd', {})), ['docker', 'run', '--', '-odd']);
    assert.equal(formatDockerRun(options('alpine', { command: ["it's"] })), `docker run alpine 'it'\\''s'`);
  });

  it('parse(format(parse(line))) equals parse(line) for the real-world lines', () => {
    for (const line of [
      'docker run -d -p 80:80 docker/getting-started',
      `docker run --rm -e "GREETING=hello world" alpine sh -c 'echo $GREETING'`,
      'docker run -d -v /srv/data:/data:ro --restart unless-stopped -m 512m --cpus=1.5 -p [::1]:53:53/udp nginx:1.25',
      `docker run --mount 'type=bind,"source=/x,y",target=/c,readonly' --entrypoint '' -l a= -h h alpine '' "a'b"`,
    ]) {
      const once = parsed(line);
      assert.deepStrictEqual(parsed(formatDockerRun(once)), once, line);
    }
  });

  it('parse(format(o)) deep-equals o for 1,000 generated options (seeded)', function () {
    this.timeout(30_000);
    const seed = 0x5eed;
    const random = prng(seed);
    const int = (n: number): number => Math.floor(random() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
    const maybe = (p = 0.5): boolean => random() < p;
    const times = <T>(max: number, make: () => T): T[] => Array.from({ length: int(max + 1) }, make);
    const alphabet = [...'abcXYZ019 _-.,:=/@%+', "'", '"', '$', '`', '#', '*', '?', '!', '\\', '\n', '\t', '~', '{', '}', '[', ']', '(', ')', '|', '&', ';', '<', '>', 'é', '😀'];
    const text = (max = 12): string => Array.from({ length: int(max + 1) }, () => pick(alphabet)).join('');
    const nameChars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'];
    const ident = (extra = '_.-'): string => pick(nameChars) + Array.from({ length: 1 + int(10) }, () => pick([...nameChars, ...extra])).join('');
    const segment = (): string => {
      for (;;) {
        const s = text(6).replace(/[/:\0]/g, '');
        if (s !== '' && s !== '.' && s !== '..') return s;
      }
    };
    const absPath = (): string => '/' + Array.from({ length: 1 + int(3) }, segment).join('/');
    const protocols: readonly PortProtocol[] = ['tcp', 'udp', 'sctp'];
    const port = (): number => 1 + int(65535);
    const volume = (): VolumeSpec => {
      const via = pick(['-v', '--mount'] as const);
      const kind = pick(['bind', 'volume', 'anonymous'] as const);
      const target = absPath();
      const readOnly = maybe();
      if (kind === 'anonymous') return { kind, target, readOnly, via };
      return { kind, source: kind === 'bind' ? absPath() : ident(), target, readOnly, via };
    };
    const envName = (): string => text(8).replace(/=/g, '') || 'N';

    for (let n = 0; n < 1000; n++) {
      const o: RunOptions = {
        image: pick(['nginx', 'alpine:3.20', 'ghcr.io/owner/app@sha256:' + 'ab'.repeat(32), 'localhost:5000/x/y:tag', 'registry.example.com/a_b/c-d:1.0']),
        env: times(4, () => ({ name: envName(), value: text() })),
        envFiles: times(2, absPath),
        ports: times(3, () => {
          const binding: PortBinding = { containerPort: port(), protocol: pick(protocols) };
          if (maybe()) binding.hostIp = pick(['127.0.0.1', '0.0.0.0', '::1', 'fe80::1', '192.168.1.10', '::']);
          if (maybe()) binding.hostPort = port();
          return binding;
        }),
        publishAll: maybe(),
        expose: times(2, () => ({ port: port(), protocol: pick(protocols) })),
        volumes: times(3, volume),
        labels: times(3, () => ({ name: envName(), value: text() })),
        interactive: maybe(),
        tty: maybe(),
        remove: maybe(),
        detach: maybe(),
        readOnly: maybe(),
        capAdd: times(2, () => text(6) || 'CHOWN'),
        capDrop: times(2, () => text(6) || 'ALL'),
        privileged: maybe(),
        init: maybe(),
      };
      if (maybe()) o.name = ident();
      if (maybe()) o.command = Array.from({ length: 1 + int(4) }, () => text());
      if (maybe()) o.entrypoint = text();
      if (maybe()) o.network = pick(['none', 'host', 'bridge', 'my-net', 'container:abc']);
      if (maybe()) {
        const name = pick(['no', 'always', 'unless-stopped', 'on-failure'] as const);
        o.restart = name === 'on-failure' && maybe() ? { name, maxRetries: int(10) } : { name };
        if (o.remove && name !== 'no') o.remove = false;
      }
      if (maybe()) o.memoryBytes = maybe() ? (1 + int(4096)) * pick([1, 1024, 1024 ** 2, 1024 ** 3]) : int(2 ** 40);
      if (maybe()) o.cpus = int(16_000) / 1000;
      if (maybe()) o.workdir = text();
      if (maybe()) o.user = text();
      if (maybe()) o.hostname = text();
      if (maybe()) o.platform = pick(['linux/amd64', 'linux/arm64/v8', text()]);
      if (maybe()) o.pull = pick(['always', 'missing', 'never'] as const);

      const line = formatDockerRun(o);
      const back = parseDockerRun(line, t);
      if ('error' in back) assert.fail(`seed ${seed} case ${n}: ${back.error}\n${line}`);
      assert.deepStrictEqual(back.options, o, `seed ${seed} case ${n}: ${line}`);
      // The body is a pure function of the options, so it round-trips as well.
      const files = Object.fromEntries(o.envFiles.map((f) => [f, 'FROM_FILE=1\n']));
      assert.deepStrictEqual(toCreateOptions(back.options, files), toCreateOptions(o, files));
    }
  });
});

/** A stand-in engine on a unix socket: records requests and answers with canned responses. */
async function standInEngine(respond: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<{ docker: Docker; requests: Array<{ method: string; url: string; body: string }>; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-run-'));
  const socketPath = join(dir, 'engine.sock');
  const requests: Array<{ method: string; url: string; body: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      respond(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    docker: new Docker({ socketPath }),
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function json(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

describe('engine/run: requests and failure kinds (stand-in engine)', () => {
  it('create sends the body as JSON and only name and platform in the query; returns id and warnings', async () => {
    const engine = await standInEngine((req, _body, res) => json(res, 201, { Id: 'abc123', Warnings: ['Your kernel does not support swap limit capabilities', ''] }));
    try {
      const body = toCreateOptions(parsed('docker run -d --name web -e A=1 alpine'), {});
      const created = await createContainer(engine.docker, body, 'web', { platform: 'linux/arm64' });
      assert.deepStrictEqual(created, { id: 'abc123', warnings: ['Your kernel does not support swap limit capabilities'] });
      const [request] = engine.requests;
      assert.ok(request);
      assert.equal(request.method, 'POST');
      assert.equal(request.url, '/containers/create?name=web&platform=linux%2Farm64');
      assert.deepStrictEqual(JSON.parse(request.body), body);

      await createContainer(engine.docker, body, undefined);
      assert.equal(engine.requests[1]?.url, '/containers/create', 'no query at all without a name or platform');
      const noWarnings = await standInEngine((_req, _body, res) => json(res, 201, { Id: 'x', Warnings: null }));
      try {
        assert.deepStrictEqual(await createContainer(noWarnings.docker, body, undefined), { id: 'x', warnings: [] });
      } finally {
        await noWarnings.close();
      }
    } finally {
      await engine.close();
    }
  });

  it('start posts to the container and treats "already started" as done', async () => {
    let status = 204;
    const engine = await standInEngine((_req, _body, res) => {
      res.writeHead(status);
      res.end();
    });
    try {
      await startContainer(engine.docker, 'abc/../x');
      status = 304;
      await startContainer(engine.docker, 'abc');
      assert.deepStrictEqual(engine.requests.map((r) => `${r.method} ${r.url}`), ['POST /containers/abc%2F..%2Fx/start', 'POST /containers/abc/start']);
    } finally {
      await engine.close();
    }
  });

  it('engine failures are classified, and the well-known ones named', async () => {
    const answers: Array<[number, string]> = [
      [404, 'No such image: berth-test/nope:latest'],
      [409, 'Conflict. The container name "/web" is already in use by container "0123abcd". You have to remove (or rename) that container to be able to reuse that name.'],
      [500, 'driver failed programming external connectivity on endpoint web (0123): Bind for 0.0.0.0:8080 failed: port is already allocated'],
      [500, 'failed to create task for container: something else'],
    ];
    let index = 0;
    const engine = await standInEngine((_req, _body, res) => json(res, answers[index]?.[0] ?? 500, { message: answers[index++]?.[1] ?? '' }));
    try {
      const kinds: string[] = [];
      for (const [status, message] of answers) {
        const error = await createContainer(engine.docker, toCreateOptions(parsed('alpine'), {}), undefined).then(
          () => assert.fail('expected a failure'),
          (e: unknown) => e,
        );
        assert.ok(error instanceof RequestFailedError);
        assert.equal(error.statusCode, status);
        assert.equal(error.engineMessage, message);
        kinds.push(runFailureKind(error));
      }
      assert.deepStrictEqual(kinds, ['image-missing', 'name-in-use', 'port-in-use', 'other']);
    } finally {
      await engine.close();
    }
  });

  it('runFailureKind on captured messages (Docker and Podman wordings, raw and classified)', () => {
    const raw = (statusCode: number, message: string): Error => Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message} `), { statusCode, json: { message } });
    assert.equal(runFailureKind(raw(404, 'No such image: nope:latest')), 'image-missing');
    assert.equal(runFailureKind(raw(404, 'nope: image not known')), 'image-missing');
    assert.equal(runFailureKind(raw(500, 'creating container storage: the container name "web" is already in use by 1234. You have to remove that container to be able to reuse that name: that name is already in use')), 'name-in-use');
    assert.equal(runFailureKind(raw(500, 'driver failed programming external connectivity on endpoint x (y): Error starting userland proxy: listen tcp4 0.0.0.0:80: bind: address already in use')), 'port-in-use');
    assert.equal(runFailureKind(new RequestFailedError(500, 'Ports are not available: exposing port TCP 0.0.0.0:80 -> 0.0.0.0:0: listen tcp 0.0.0.0:80: bind: An attempt was made to access a socket')), 'port-in-use');
    assert.equal(runFailureKind(new RequestFailedError(404, 'No such container: x')), 'other');
    assert.equal(runFailureKind(new CancelledError()), 'other');
    assert.equal(runFailureKind(new EngineUnavailableError('not-running', 'connect ECONNREFUSED')), 'other');
    assert.equal(runFailureKind('weird'), 'other');
  });

  it('cancellation and the timeout', async () => {
    const engine = await standInEngine(() => undefined); // never answers
    try {
      const body = toCreateOptions(parsed('alpine'), {});
      const aborted = new AbortController();
      aborted.abort();
      await assert.rejects(createContainer(engine.docker, body, undefined, { signal: aborted.signal }), CancelledError);
      assert.equal(engine.requests.length, 0, 'an aborted signal sends nothing');

      const later = new AbortController();
      const pending = createContainer(engine.docker, body, undefined, { signal: later.signal, timeoutMs: 10_000 });
      setTimeout(() => later.abort(), 50);
      await assert.rejects(pending, CancelledError);

      const started = Date.now();
      await assert.rejects(startContainer(engine.docker, 'x', { timeoutMs: 100 }), (e: unknown) => e instanceof EngineUnavailableError && e.reason === 'timeout');
      assert.ok(Date.now() - started < 5000);
    } finally {
      await engine.close();
    }
  });
});
