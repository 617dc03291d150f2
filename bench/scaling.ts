/**
 * How the action's cost grows: one run per row (not pairs: the point is the slope), with wall
 * time, the AWS calls and registry requests the stack saw, and docker invocations. Where a floor
 * makes sense (same build, plain docker) it runs right after, on the same engine.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { makeContext } from '../e2e/contexts.js';
import { ACCOUNT, ROLE, client, stackEnv, stackEnvOn } from '../e2e/support.js';
import { dockerHost, engineByName } from '../test/stack/engines.js';
import { ACCOUNTS, PUBLIC_ALIAS } from '../test/stack/topology.js';
import { timeAction, type ActionSample } from './action.js';
import { DockerShim, runFloor } from './docker.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sha = () => randomBytes(20).toString('hex');
const SECOND = ACCOUNTS[1]!;
const THIRD = ACCOUNTS[2]!;

export interface ScalingRow {
  group: string;
  value: string;
  actionMs?: number;
  floorMs?: number;
  /** sts + ecr + ecr-public requests the stack logged during the action's run. */
  awsCalls?: number;
  /** Of which PutImage. */
  putImage?: number;
  registryRequests?: number;
  dockerCalls?: string[];
  error?: string;
}

interface Scenario {
  group: string;
  value: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
  /** An unmeasured run first (the commit's image for a re-tag). */
  seed?: { inputs: Record<string, string>; env: Record<string, string> };
  floor?: Parameters<typeof runFloor>[0];
}

export interface ScalingDeps {
  /** A new repository name that exists in the emulator (primary account). */
  repo(prefix: string): Promise<string>;
  /** Creates `name` in ECR Public (the second account's repository the action creates itself). */
  extraRepos(name: string): Promise<void>;
}

const countBy = (
  entries: { service: string; operation: string }[],
  pred: (e: { service: string; operation: string }) => boolean,
) => entries.filter(pred).length;

async function measure(s: Scenario, shim: DockerShim): Promise<ScalingRow> {
  const row: ScalingRow = { group: s.group, value: s.value };
  try {
    if (s.seed) await timeAction({ inputs: s.seed.inputs, env: { ...s.seed.env, PATH: shim.path } });
    shim.take();
    await client.resetRegistryStats();
    const from = Date.now();
    const run: ActionSample = await timeAction({ inputs: s.inputs, env: { ...s.env, PATH: shim.path } });
    const window = (await client.getLog()).filter((e) => {
      const t = Date.parse(e.time);
      return t >= from && t <= run.endedAt;
    });
    row.actionMs = run.wallMs;
    row.awsCalls = countBy(
      window,
      (e) => e.service === 'sts' || e.service === 'ecr' || e.service === 'ecr-public',
    );
    row.putImage = countBy(window, (e) => e.operation === 'PutImage');
    row.registryRequests = (await client.registryStats()).requests;
    row.dockerCalls = shim.take();
    if (s.floor) row.floorMs = (await runFloor(s.floor)).wallMs;
  } catch (error) {
    // The action's own error line, never the rest of its log (it holds masked values).
    const lines = (error as Error).message.split('\n');
    row.error = (lines.find((l) => l.startsWith('::error::')) ?? lines[0]!)
      .replace(/^::error::/, '')
      .slice(0, 300);
  }
  log(
    `  ${s.group} ${s.value}: ${row.error ? `failed: ${row.error}` : `action ${Math.round(row.actionMs!)} ms${row.floorMs ? `, floor ${Math.round(row.floorMs)} ms` : ''}, ${row.awsCalls} AWS calls, ${row.registryRequests} registry requests, docker ${row.dockerCalls!.length}`}`,
  );
  return row;
}

const inputsFor = (repository: string, context: string, extra: Record<string, string> = {}) => ({
  'role-to-assume': ROLE,
  'aws-region': ACCOUNT.region,
  repository,
  context,
  ...extra,
});

/** `tags` rules: the commit's full SHA (what reuse looks for) and n − 1 more. */
const tagRules = (n: number) =>
  [
    'type=sha,format=long,prefix=',
    ...Array.from({ length: n - 1 }, (_, i) => `type=raw,value=t${i + 1}`),
  ].join('\n');

export async function scaling(deps: ScalingDeps): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  const shim = new DockerShim();
  const contexts: string[] = [];
  const context = (layersMb?: number[]) => {
    const dir = makeContext({ layersMb, marker: sha() });
    contexts.push(dir);
    return dir;
  };
  try {
    const classic = stackEnv();
    for (const n of [1, 10, 50]) {
      const commit = sha();
      const repository = await deps.repo(`scale-tags-${n}`);
      rows.push(
        await measure(
          {
            group: 'tags, first push',
            value: String(n),
            inputs: inputsFor(repository, context(), { tags: tagRules(n) }),
            env: { ...classic, GITHUB_SHA: commit },
          },
          shim,
        ),
      );
    }
    for (const n of [1, 10, 50]) {
      const commit = sha();
      const repository = await deps.repo(`scale-retag-${n}`);
      const ctx = context();
      rows.push(
        await measure(
          {
            group: 'tags, re-tag of a built commit',
            value: String(n),
            seed: {
              inputs: inputsFor(repository, ctx, { tags: tagRules(1) }),
              env: { ...classic, GITHUB_SHA: commit },
            },
            inputs: inputsFor(repository, ctx, { tags: `${tagRules(n + 1)}` }),
            env: { ...classic, GITHUB_SHA: commit },
          },
          shim,
        ),
      );
    }
    const containerd = stackEnvOn('containerd');
    const platformSets = [
      ['linux/amd64'],
      ['linux/amd64', 'linux/arm64'],
      ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le'],
    ];
    for (const platforms of platformSets) {
      const repository = await deps.repo(`scale-platforms-${platforms.length}`);
      const ctx = context();
      const commit = sha();
      rows.push(
        await measure(
          {
            group: 'platforms (containerd engine)',
            value: String(platforms.length),
            inputs: inputsFor(repository, ctx, { platforms: platforms.join(',') }),
            env: { ...containerd, GITHUB_SHA: commit },
            floor: {
              context: context(),
              repository: await deps.repo(`scale-platforms-floor-${platforms.length}`),
              tags: [commit],
              platforms,
              dockerHost: dockerHost(engineByName('containerd')),
            },
          },
          shim,
        ),
      );
    }
    const extras = [
      [],
      [`${SECOND.id}/${SECOND.region}`],
      [`${SECOND.id}/${SECOND.region}`, `${THIRD.id}/${THIRD.region}`, `public.ecr.aws/${PUBLIC_ALIAS}`],
    ];
    for (const targets of extras) {
      const repository = await deps.repo(`scale-registries-${targets.length}`);
      if (targets.length) await deps.extraRepos(repository);
      rows.push(
        await measure(
          {
            group: 'extra registries',
            value: String(targets.length),
            inputs: inputsFor(repository, context([1]), {
              'create-repository': 'true',
              ...(targets.length ? { registries: targets.join('\n') } : {}),
            }),
            env: { ...classic, GITHUB_SHA: sha() },
          },
          shim,
        ),
      );
    }
    for (const mb of [1, 60, 500]) {
      const commit = sha();
      rows.push(
        await measure(
          {
            group: 'image size (one data layer + busybox)',
            value: `${mb} MiB`,
            inputs: inputsFor(await deps.repo(`scale-size-${mb}`), context([mb])),
            env: { ...classic, GITHUB_SHA: commit },
            floor: {
              context: context([mb]),
              repository: await deps.repo(`scale-size-floor-${mb}`),
              tags: [commit],
            },
          },
          shim,
        ),
      );
    }
  } finally {
    shim.dispose();
    for (const dir of contexts) rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
