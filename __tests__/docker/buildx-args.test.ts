/**
 * build-push-action's pass-through inputs, from the raw input (its list syntax) to the buildx argv:
 * each row is one input as a workflow writes it and the arguments build-push-action would pass.
 */
import { describe, expect, it } from 'vitest';
import { buildxArgs, isEvaluation } from '../../src/docker/buildx-args.js';
import { buildSpec } from '../core/helpers.js';
import { parse } from '../inputs/fixtures.js';

function argsFor(inputs: Record<string, string>): string[] {
  const b = parse(inputs).build;
  return buildxArgs(
    buildSpec({
      push: b.push,
      load: b.load,
      provenance: b.provenance,
      sbom: b.sbom,
      buildContexts: b.buildContexts,
      ssh: b.ssh,
      network: b.network,
      addHosts: b.addHosts,
      shmSize: b.shmSize,
      ulimits: b.ulimits,
      allow: b.allow,
      call: b.call,
      attests: b.attests,
      cgroupParent: b.cgroupParent,
      noCacheFilters: b.noCacheFilters,
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
