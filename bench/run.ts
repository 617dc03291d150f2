/**
 * `npm run bench`: what the action costs beyond the work itself, on the local stack.
 *
 * Every comparison runs the action and the floor (plain docker CLIs) as pairs, alternating, after a
 * warm-up pair; figures are medians. See BENCHMARKS.md for what each row means.
 */
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, relative } from 'node:path';
import { ROOT } from '../e2e/harness.js';
import { makeContext } from '../e2e/contexts.js';
import { ACCOUNT, HOST, baseInputs, client, stackEnv, uniqueRepo } from '../e2e/support.js';
import { ensureStackUp } from '../test/stack/env.js';
import type { LoggedRequest } from '../test/stack/faults.js';
import { STATIC_KEYS } from '../test/stack/topology.js';
import { timeAction, type ActionSample } from './action.js';
import { distFiles, distHash, loadGraph, sizeOf } from './bundle.js';
import { DockerShim, exec, runFloor, type FloorSample } from './docker.js';
import { bytes, median, ms, round, summarize, table, type Summary } from './stats.js';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 7));
const HEAVY_RUNS = Math.max(5, Number(process.env.BENCH_HEAVY_RUNS ?? 5));
const LAYERS_MB = [20, 20, 20];
const TARGETS = { tinyRatio: 2.0, reuseRatio: 0.5, startupMs: 150, distBytes: 1_500_000 };
const DIST = join(ROOT, 'dist');

// The SDK's notice about Node 20 support would only clutter the bench's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const sha = () => randomBytes(20).toString('hex');

const benchStarted = Date.now();
await ensureStackUp();
const stack = stackEnv();
const hashBefore = distHash(DIST);
const loadBefore = os.loadavg();

// ---------------------------------------------------------------------------------------------
// Repositories: created up front with static keys so neither side pays for CreateRepository.
const ecr = new ECRClient({
  region: ACCOUNT.region,
  endpoint: stack.AWS_ENDPOINT_URL_ECR,
  credentials: { accessKeyId: STATIC_KEYS.accessKeyId, secretAccessKey: STATIC_KEYS.secretAccessKey },
});
const repositories: string[] = [];

async function ensureRepo(name: string): Promise<void> {
  try {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
  } catch (error) {
    // Another engineer's `client.reset()` may have dropped it: recreating is the fix, existing is fine.
    if ((error as Error).name !== 'RepositoryAlreadyExistsException') throw error;
  }
}

interface Repos {
  a: string;
  b: string;
}

/** A reset elsewhere drops the emulator's repositories (the registry keeps their content). */
const recreate = (repos: Repos) => async () =>
  void (await Promise.all([ensureRepo(repos.a), ensureRepo(repos.b)]));

async function repoPair(scenario: string): Promise<Repos> {
  const pair = { a: uniqueRepo(`bench-${scenario}-action`), b: uniqueRepo(`bench-${scenario}-floor`) };
  repositories.push(pair.a, pair.b);
  await Promise.all([ensureRepo(pair.a), ensureRepo(pair.b)]);
  return pair;
}

// ---------------------------------------------------------------------------------------------
// Alternating pairs.
interface Measured<T> {
  sample: T;
  uploadBytes: number;
}

interface PairRun<P> {
  name: string;
  pairs: number;
  prepare(i: number): P | Promise<P>;
  /** After a failure: puts back what another engineer's `client.reset()` may have dropped. */
  repair?(): Promise<void>;
  action(p: P): Promise<ActionSample>;
  floor(p: P): Promise<FloorSample>;
  /** Throws when the action did not do what the comparison assumes (built vs reused, tags). */
  check(p: P, s: ActionSample): void;
  dispose?(p: P): void;
}

interface Pair {
  action: Measured<ActionSample>;
  floor: Measured<FloorSample>;
  actionFirst: boolean;
  /** Spawn of dist/main.js → its OIDC request in the stack's log. */
  startupMs?: number;
  /** The action's requests as the stack logged them, ms after the spawn. */
  timeline: string[];
  /** Epoch ms at which the stack finished answering the action's OIDC and STS requests. */
  answered: { oidc?: number; sts?: number };
  /** Why the pair is suspect, when the redo budget ran out and it was kept anyway. */
  disturbed?: string;
}

interface PairResult {
  name: string;
  pairs: Pair[];
  /** Pairs thrown away because something else used the stack meanwhile, or failed and were re-run. */
  discarded: string[];
}

/** One command with the registry counters reset before it: blobUploadBytes is then its upload. */
async function measured<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  await client.resetRegistryStats();
  const sample = await fn();
  const stats = await client.registryStats();
  return { sample, uploadBytes: stats.blobUploadBytes };
}

const QUIET_MS = 4000;

/**
 * Others run the e2e suite against the same stack (and reset it): wait until its log has been
 * silent for a few seconds before measuring, up to three minutes.
 */
async function waitForQuiet(): Promise<void> {
  const deadline = Date.now() + 180_000;
  let said = false;
  for (;;) {
    const entries = await client.getLog();
    const last = Math.max(0, ...entries.map((e) => Date.parse(e.time)));
    if (Date.now() - last >= QUIET_MS) return;
    if (Date.now() > deadline) {
      log('  the stack is still busy after 3 min: measuring anyway');
      return;
    }
    if (!said) log('  waiting for other jobs on the stack to finish ...');
    said = true;
    await sleep(1000);
  }
}

/**
 * What else happened on the stack during a pair (our action makes one OIDC and one STS call and
 * no faulted request), and the action's start-up from its OIDC request.
 */
function inspect(entries: LoggedRequest[], from: number, to: number, action: ActionSample) {
  const window = entries.filter((e) => {
    const t = Date.parse(e.time);
    return t >= from && t <= to;
  });
  const oidc = window.filter((e) => e.service === 'oidc');
  const sts = window.filter((e) => e.service === 'sts');
  const reason =
    oidc.length === 0
      ? 'the stack log was reset'
      : oidc.length > 1 || sts.length > 1
        ? 'another job used the stack'
        : window.some((e) => e.fault)
          ? 'a fault was armed'
          : undefined;
  const startupMs = oidc[0] ? Date.parse(oidc[0].time) - action.startedAt : undefined;
  const timeline = window
    .filter((e) => Date.parse(e.time) <= action.endedAt && Date.parse(e.time) >= action.startedAt)
    .map((e) => `+${Date.parse(e.time) - action.startedAt} ${e.service}:${e.operation}`);
  const answered = { oidc: oidc[0] && Date.parse(oidc[0].time), sts: sts[0] && Date.parse(sts[0].time) };
  return { reason, startupMs, timeline, answered };
}

/**
 * Warm-up pair, then `pairs` measured pairs. Whichever side runs second inherits what the first
 * left warm (BuildKit's cache, the page cache, dockerd's state), so the order flips every pair
 * (A B, B A, A B, ...) and neither side always gets that advantage. A pair during which something
 * else used the stack is measured again (up to `pairs` times per comparison).
 */
async function alternate<P>(run: PairRun<P>): Promise<PairResult> {
  const result: PairResult = { name: run.name, pairs: [], discarded: [] };
  let failures = 4;
  let redos = run.pairs;
  await waitForQuiet();
  for (let i = -1; i < run.pairs; i++) {
    const label = `${run.name} ${i < 0 ? 'warm-up' : `#${i + 1}`}`;
    let p: P | undefined;
    try {
      const prepared = (p = await run.prepare(i));
      const doAction = async () => {
        const m = await measured(() => run.action(prepared));
        run.check(prepared, m.sample);
        return m;
      };
      const doFloor = () => measured(() => run.floor(prepared));
      const actionFirst = i % 2 === 0;
      const from = Date.now();
      let a: Measured<ActionSample>;
      let b: Measured<FloorSample>;
      if (actionFirst) {
        a = await doAction();
        b = await doFloor();
      } else {
        b = await doFloor();
        a = await doAction();
      }
      const { reason, startupMs, timeline, answered } = inspect(
        await client.getLog(),
        from,
        Date.now(),
        a.sample,
      );
      log(
        `  ${label}: action ${ms(a.sample.wallMs)}, floor ${ms(b.sample.wallMs)}${reason ? ` (${reason})` : ''}`,
      );
      if (reason && i >= 0 && redos-- > 0) {
        result.discarded.push(`${label}: ${reason}`);
        await waitForQuiet();
        i--;
        continue;
      }
      if (i >= 0)
        result.pairs.push({
          action: a,
          floor: b,
          actionFirst,
          startupMs,
          timeline,
          answered,
          disturbed: reason,
        });
    } catch (error) {
      if (failures-- <= 0) throw error;
      const message = (error as Error).message.split('\n')[0];
      log(`  ${label} failed, measuring it again (${message})`);
      result.discarded.push(`${label}: failed (${message})`);
      await waitForQuiet();
      await run.repair?.();
      i--;
    } finally {
      if (p !== undefined) run.dispose?.(p);
    }
  }
  return result;
}

function expectTags(s: ActionSample, tags: string[], reused: boolean): void {
  const got = (s.outputs['tag-names'] ?? '').split('\n').filter(Boolean).sort();
  if (got.join(',') !== [...tags].sort().join(','))
    throw new Error(`the action pushed tags ${got.join(', ')}, the floor pushes ${tags.join(', ')}`);
  if ((s.outputs.reused === 'true') !== reused)
    throw new Error(`expected reused=${reused}, the action says ${s.outputs.reused}`);
}

const actionEnv = (extra: Record<string, string>) => ({ ...stack, ...extra });
const branchEnv = (commit: string) => actionEnv({ GITHUB_SHA: commit });
const tagEnv = (commit: string, version: string) =>
  actionEnv({ GITHUB_SHA: commit, GITHUB_REF: `refs/tags/v${version}`, GITHUB_REF_NAME: `v${version}` });

interface Fresh {
  /** One context per side: same shape, different bytes (see below). */
  contexts: { action: string; floor: string };
  commit: string;
}

/**
 * First push of new content: a fresh commit per pair and fresh content per side. The two sides
 * must not push the same layers even to different repositories: dockerd mounts a blob it pushed
 * to one repository into another of the same registry (cross-repository mount), so whichever side
 * went second would upload nothing.
 */
async function firstPush(name: string, pairs: number, layersMb?: number[]): Promise<PairResult> {
  const repos = await repoPair(name);
  return alternate<Fresh>({
    name,
    pairs,
    repair: recreate(repos),
    prepare: () => {
      const marker = sha();
      return {
        contexts: {
          action: makeContext({ layersMb, marker: `${marker}-action` }),
          floor: makeContext({ layersMb, marker: `${marker}-floor` }),
        },
        commit: sha(),
      };
    },
    action: (p) => timeAction({ inputs: baseInputs(repos.a, p.contexts.action), env: branchEnv(p.commit) }),
    floor: (p) => runFloor({ context: p.contexts.floor, repository: repos.b, tags: [p.commit] }),
    check: (p, s) => expectTags(s, [p.commit], false),
    dispose: (p) => Object.values(p.contexts).forEach((c) => rmSync(c, { recursive: true, force: true })),
  });
}

// ---------------------------------------------------------------------------------------------
log(
  `bench: ${RUNS} measured pairs per comparison (${HEAVY_RUNS} for the multi-layer image), after a warm-up`,
);

log('2. tiny image, full path');
const tiny = await firstPush('tiny', RUNS);

log(`3. multi-layer image (${LAYERS_MB.join('+')} MiB), first push`);
const multi = await firstPush('multi', HEAVY_RUNS, LAYERS_MB);

log('4. re-run on the same commit');
const reuseRepos = await repoPair('rerun');
const builtCommit = sha();
const builtContext = makeContext({ marker: builtCommit });
// The run being re-run: both sides' first push, not measured.
await timeAction({ inputs: baseInputs(reuseRepos.a, builtContext), env: branchEnv(builtCommit) });
await runFloor({ context: builtContext, repository: reuseRepos.b, tags: [builtCommit] });
const rerun = await alternate<null>({
  name: 'rerun',
  pairs: RUNS,
  repair: recreate(reuseRepos),
  prepare: () => null,
  action: () => timeAction({ inputs: baseInputs(reuseRepos.a, builtContext), env: branchEnv(builtCommit) }),
  floor: () => runFloor({ context: builtContext, repository: reuseRepos.b, tags: [builtCommit] }),
  check: (_, s) => expectTags(s, [builtCommit], true),
});

log('5. release tag on an already-built commit');
const releaseTags = ['1.2.3', '1.2', '1', builtCommit, 'latest'];
/**
 * Each pair gets its own repositories holding the built commit (pushed by each side, not measured).
 * The emulator's ListImages and DescribeImages walk every tag of a repository, so reusing one
 * repository would make each pair slower than the last; ECR answers them in one round trip.
 */
const release = await alternate<Repos>({
  name: 'release',
  pairs: RUNS,
  prepare: async () => {
    const repos = await repoPair('release');
    await timeAction({ inputs: baseInputs(repos.a, builtContext), env: branchEnv(builtCommit) });
    await runFloor({ context: builtContext, repository: repos.b, tags: [builtCommit] });
    return repos;
  },
  action: (repos) =>
    timeAction({ inputs: baseInputs(repos.a, builtContext), env: tagEnv(builtCommit, '1.2.3') }),
  floor: (repos) => runFloor({ context: builtContext, repository: repos.b, tags: releaseTags }),
  check: (_, s) => expectTags(s, releaseTags, true),
});

// ---------------------------------------------------------------------------------------------
log('6. start-up and bundle');
const files = distFiles(DIST);
const distBytes = files.reduce((sum, f) => sum + f.bytes, 0);
const mainGraph = loadGraph(join(DIST, 'main.js'));
const postGraph = loadGraph(join(DIST, 'post.js'));
const rel = (f: string) => relative(DIST, f);

/** Node's own start-up, what loading the bundle adds to it, and the post step's fixed cost: spawn → exit. */
async function moduleLoad(): Promise<Record<string, Summary>> {
  const importAll = (list: string[]) => list.map((f) => `import ${JSON.stringify(`file://${f}`)};`).join('');
  const eagerDeps = mainGraph.static.filter((f) => f !== join(DIST, 'main.js'));
  const variants: Record<string, string[]> = {
    'node (empty script)': ['-e', ''],
    'node + what main.js imports statically': ['--input-type=module', '-e', importAll(eagerDeps)],
    'node + those and every chunk main.js loads on demand (AWS SDK)': [
      '--input-type=module',
      '-e',
      importAll([...eagerDeps, ...mainGraph.lazy]),
    ],
    // No STATE_* variables: the post step finds nothing to clean, so this is its fixed cost.
    'node dist/post.js with nothing to clean': [join(DIST, 'post.js')],
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = -1; i < RUNS; i++) {
    for (const [name, args] of Object.entries(variants)) {
      const started = performance.now();
      await exec(process.execPath, args);
      if (i >= 0) samples[name]!.push(performance.now() - started);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)]));
}
const load = await moduleLoad();

/** The least a Node process can do before its first request: spawn → a bare fetch() logged by the issuer. */
async function bareFetchStartup(): Promise<Summary> {
  const script =
    'fetch(process.env.ACTIONS_ID_TOKEN_REQUEST_URL + "&audience=sts.amazonaws.com", ' +
    '{ headers: { Authorization: "Bearer " + process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN } }).then((r) => r.text())';
  const samples: number[] = [];
  for (let i = -1; i < RUNS; i++) {
    const startedAt = Date.now();
    await exec(process.execPath, ['-e', script], { env: { ...process.env, ...stack } });
    const first = (await client.getLog()).find(
      (e) => e.service === 'oidc' && Date.parse(e.time) >= startedAt,
    );
    if (i >= 0 && first) samples.push(Date.parse(first.time) - startedAt);
  }
  return summarize(samples);
}
const bareFetch = await bareFetchStartup();

// ---------------------------------------------------------------------------------------------
log('7. docker invocations');
const shim = new DockerShim();
const docker: Record<string, string[]> = {};
try {
  const fresh = makeContext({ marker: sha() });
  const commit = sha();
  const withShim = (env: Record<string, string>) => ({ ...env, PATH: shim.path });
  await timeAction({ inputs: baseInputs(reuseRepos.a, fresh), env: withShim(branchEnv(commit)) });
  docker['action, first push'] = shim.take();
  await timeAction({ inputs: baseInputs(reuseRepos.a, fresh), env: withShim(branchEnv(commit)) });
  docker['action, re-run (reuse)'] = shim.take();
  await timeAction({ inputs: baseInputs(reuseRepos.a, fresh), env: withShim(tagEnv(commit, '99.0.0')) });
  docker['action, release tag (reuse)'] = shim.take();
  await runFloor({ context: fresh, repository: reuseRepos.b, tags: [commit], path: shim.path });
  docker['floor'] = shim.take();
  rmSync(fresh, { recursive: true, force: true });
} finally {
  shim.dispose();
  rmSync(builtContext, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Results.
interface Comparison {
  action: Summary;
  floor: Summary;
  ratio: number;
  /** Median of the per-pair ratios, as a cross-check of the ratio of medians. */
  pairRatio: number;
  actionUploadBytes: Summary;
  floorUploadBytes: Summary;
  maxActionUploadBytes: number;
}

function compare(r: PairResult): Comparison {
  const a = r.pairs.map((p) => p.action.sample.wallMs);
  const f = r.pairs.map((p) => p.floor.sample.wallMs);
  return {
    action: summarize(a),
    floor: summarize(f),
    ratio: round(median(a) / median(f), 2),
    pairRatio: round(median(a.map((x, i) => x / f[i]!)), 2),
    actionUploadBytes: summarize(r.pairs.map((p) => p.action.uploadBytes)),
    floorUploadBytes: summarize(r.pairs.map((p) => p.floor.uploadBytes)),
    maxActionUploadBytes: Math.max(...r.pairs.map((p) => p.action.uploadBytes)),
  };
}

const results = {
  tiny: compare(tiny),
  multi: compare(multi),
  rerun: compare(rerun),
  release: compare(release),
};
const startups = (r: PairResult) => r.pairs.flatMap((p) => (p.startupMs === undefined ? [] : [p.startupMs]));
const startup = summarize(startups(tiny));
const startupAll = summarize([tiny, multi, rerun, release].flatMap(startups));
const credentialsReady = summarize(
  tiny.pairs.flatMap((p) => (p.answered.sts ? [p.answered.sts - p.action.sample.startedAt] : [])),
);

// Per-phase breakdown of the action's runs: the summary's timing table, medians per phase.
const PHASE_ORDER = ['oidc', 'sts', 'ecr', 'docker-login', 'builder', 'build', 'put-image', 'copy', 'scan'];
/**
 * Time the phases account for. The action's steps run one after another except the OIDC token,
 * which is fetched inside the STS call or alongside the SDK load depending on the source: its
 * interval and the STS one are placed by when the stack answered each, and their union counted.
 */
function phaseSum(pair: Pair): number {
  const { phases } = pair.action.sample;
  const total = Object.values(phases).reduce((x, y) => x + y, 0);
  const { oidc, sts } = pair.answered;
  if (phases.oidc === undefined || phases.sts === undefined || !oidc || !sts) return total;
  const overlap = Math.min(oidc, sts) - Math.max(oidc - phases.oidc, sts - phases.sts);
  return total - Math.max(0, overlap);
}

function breakdownOf(r: PairResult) {
  const runs = r.pairs.map((p) => p.action.sample);
  const unaccounted = r.pairs.map((p) => p.action.sample.wallMs - phaseSum(p));
  const names = [...new Set(runs.flatMap((s) => Object.keys(s.phases)))].sort(
    (x, y) => (PHASE_ORDER.indexOf(x) + 1 || 99) - (PHASE_ORDER.indexOf(y) + 1 || 99),
  );
  // The request timeline of the run closest to the median wall time.
  const mid = median(runs.map((s) => s.wallMs));
  const typical = [...r.pairs].sort(
    (x, y) => Math.abs(x.action.sample.wallMs - mid) - Math.abs(y.action.sample.wallMs - mid),
  )[0];
  return {
    phases: Object.fromEntries(names.map((p) => [p, median(runs.map((s) => s.phases[p] ?? 0))])),
    sumOfPhases: median(r.pairs.map(phaseSum)),
    wall: median(runs.map((s) => s.wallMs)),
    startupAndOther: median(unaccounted),
    startup: median(startups(r)),
    exitAndPost: median(runs.map((s) => s.endedAt - s.mainDoneAt)),
    timeline: typical?.timeline ?? [],
  };
}
const breakdowns = { tiny: breakdownOf(tiny), rerun: breakdownOf(rerun), release: breakdownOf(release) };

const hashAfter = distHash(DIST);
const versions = {
  node: process.version,
  docker: execFileSync(
    'docker',
    ['version', '--format', 'engine {{.Server.Version}}, CLI {{.Client.Version}}'],
    {
      encoding: 'utf8',
    },
  ).trim(),
  buildx: execFileSync('docker', ['buildx', 'version'], { encoding: 'utf8' }).trim(),
};
/** `free -h`'s Mem line as "23Gi total, 22Gi available". */
function memory(): string {
  const cols = execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1]?.trim().split(/\s+/) ?? [];
  return `${cols[1] ?? '?'} total, ${cols[6] ?? '?'} available`;
}
const machine = {
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memory: memory(),
  ...versions,
  loadavgBefore: loadBefore.map((l) => round(l, 2)),
  loadavgAfter: os.loadavg().map((l) => round(l, 2)),
};

// ---------------------------------------------------------------------------------------------
// The table.
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const x = (ratio: number) => `${ratio.toFixed(2)}×`;
const withBytes = (s: Summary, b: Summary) => `${ms(s.median)}, ${bytes(b.median)} up`;
const reuseOk = (c: Comparison) => c.ratio <= TARGETS.reuseRatio && c.maxActionUploadBytes === 0;
const dockerList = (calls: string[]) => `${calls.length}: ${calls.join(', ') || '—'}`;
const needed = { 'action, first push': 3, 'action, re-run (reuse)': 0, 'action, release tag (reuse)': 0 };

const rows: string[][] = [
  [
    '1',
    'Floor: login + buildx build --push + logout (tiny image)',
    '—',
    ms(results.tiny.floor.median),
    '—',
    '—',
    '—',
  ],
  [
    '2',
    'Tiny image, full path (main + post), first push',
    ms(results.tiny.action.median),
    ms(results.tiny.floor.median),
    x(results.tiny.ratio),
    `≤ ${TARGETS.tinyRatio.toFixed(1)}×`,
    verdict(results.tiny.ratio <= TARGETS.tinyRatio),
  ],
  [
    '3',
    `Multi-layer image (${LAYERS_MB.join('+')} MiB), first push`,
    withBytes(results.multi.action, results.multi.actionUploadBytes),
    withBytes(results.multi.floor, results.multi.floorUploadBytes),
    x(results.multi.ratio),
    '—',
    '—',
  ],
  [
    '4',
    'Re-run on the same commit (reuse-existing) vs floor re-run',
    withBytes(results.rerun.action, results.rerun.actionUploadBytes),
    withBytes(results.rerun.floor, results.rerun.floorUploadBytes),
    x(results.rerun.ratio),
    `≤ ${TARGETS.reuseRatio}×, 0 B`,
    verdict(reuseOk(results.rerun)),
  ],
  [
    '5',
    'Release tag on an already-built commit (PutImage) vs floor',
    withBytes(results.release.action, results.release.actionUploadBytes),
    withBytes(results.release.floor, results.release.floorUploadBytes),
    x(results.release.ratio),
    `≤ ${TARGETS.reuseRatio}×, 0 B`,
    verdict(reuseOk(results.release)),
  ],
  [
    '6',
    'Start-up: spawn of dist/main.js → first OIDC request',
    ms(startup.median),
    '—',
    '—',
    `≤ ${TARGETS.startupMs} ms`,
    verdict(startup.median <= TARGETS.startupMs),
  ],
  [
    '6',
    `dist/ total (${files.length} files)`,
    `${distBytes} B (${bytes(distBytes)})`,
    '—',
    '—',
    '≤ 1.5 MB',
    verdict(distBytes <= TARGETS.distBytes),
  ],
  [
    '6',
    `dist/main.js static load (${mainGraph.static.length} files; ${mainGraph.lazy.length} more on demand)`,
    `${sizeOf(mainGraph.static)} B (+${sizeOf(mainGraph.lazy)} B lazy)`,
    '—',
    '—',
    '—',
    '—',
  ],
  ...Object.entries(needed).map(([name, need]) => [
    '7',
    `docker invocations, ${name.replace('action, ', '')}`,
    dockerList(docker[name] ?? []),
    dockerList(docker.floor ?? []),
    '—',
    need ? `≤ ${need}` : '0 (nothing to build)',
    verdict((docker[name] ?? []).length <= need),
  ]),
];

const cols = Object.values(breakdowns);
const allPhases = [...new Set(cols.flatMap((c) => Object.keys(c.phases)))].sort(
  (x, y) => (PHASE_ORDER.indexOf(x) + 1 || 99) - (PHASE_ORDER.indexOf(y) + 1 || 99),
);
const cell = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : ms(v));
const phaseRows: string[][] = [
  ['start-up: spawn → first OIDC request (row 6)', ...cols.map((c) => cell(c.startup))],
  ...allPhases.map((p) => [p, ...cols.map((c) => cell(c.phases[p]))]),
  ['sum of phases (oidc and sts overlap counted once)', ...cols.map((c) => cell(c.sumOfPhases))],
  ['node start-up + other (wall − sum of phases)', ...cols.map((c) => cell(c.startupAndOther))],
  [
    '… of which main exit + post step (last summary write → post exit)',
    ...cols.map((c) => cell(c.exitAndPost)),
  ],
  ['wall, main + post', ...cols.map((c) => cell(c.wall))],
];
const floorRows = (['login', 'build', 'logout'] as const).map((step) => [
  step === 'build' ? 'buildx build --push' : step,
  ...[tiny, rerun, release].map((r) => ms(median(r.pairs.map((p) => p.floor.sample.steps[step])))),
]);
const timelines = Object.entries(breakdowns).map(([name, b]) => `- ${name}: ${b.timeline.join(', ')}`);

const loadRows = [
  ...Object.entries(load).map(([name, s]) => [
    `${name}: spawn → exit`,
    ms(s.median),
    `${ms(s.min)} – ${ms(s.max)}`,
  ]),
  [
    'node, one bare fetch(): spawn → OIDC request logged',
    ms(bareFetch.median),
    `${ms(bareFetch.min)} – ${ms(bareFetch.max)}`,
  ],
  [
    'dist/main.js: spawn → OIDC request logged (row 6)',
    ms(startup.median),
    `${ms(startup.min)} – ${ms(startup.max)}`,
  ],
  // The critical path: nothing else can start before the role's credentials are in hand.
  [
    'dist/main.js: spawn → STS request logged (credentials in hand)',
    ms(credentialsReady.median),
    `${ms(credentialsReady.min)} – ${ms(credentialsReady.max)}`,
  ],
];

const notes: string[] = [];
if (hashBefore !== hashAfter)
  notes.push(
    `dist/ changed during the run (${hashBefore} → ${hashAfter}): someone re-bundled; re-run the bench.`,
  );
for (const r of [tiny, multi, rerun, release]) {
  if (r.discarded.length)
    notes.push(`${r.name}: re-measured ${r.discarded.length} pair(s): ${r.discarded.join('; ')}`);
  const kept = r.pairs.filter((p) => p.disturbed).length;
  if (kept) notes.push(`${r.name}: ${kept} pair(s) kept although the stack was shared meanwhile`);
}

const output = [
  `ecr-build-push benchmark — ${new Date(benchStarted).toISOString()}, ${RUNS} pairs (${HEAVY_RUNS} for row 3) after a warm-up, medians`,
  `machine: ${machine.nproc} CPUs (${machine.cpu}), memory ${machine.memory}; node ${machine.node}; docker ${machine.docker}; ${machine.buildx}`,
  `dist/ ${hashBefore}; load average before ${machine.loadavgBefore.join(' ')}, after ${machine.loadavgAfter.join(' ')}`,
  '',
  table(['#', 'Measurement', 'Action', 'Floor', 'Ratio', 'Target', 'Result'], rows),
  '',
  "Per-phase breakdown of the action (medians; phases from the summary's timing table):",
  '',
  table(['Phase', 'tiny, first push (2)', 're-run (4)', 'release tag (5)'], phaseRows),
  '',
  'The floor, per command (medians):',
  '',
  table(['Command', 'tiny, first push (1)', 're-run (4)', 'release tag (5)'], floorRows),
  '',
  'Requests of a typical run as the stack logged them (ms after spawning dist/main.js):',
  '',
  ...timelines,
  '',
  'Where start-up goes (node alone, the modules of the bundle, the first request):',
  '',
  table(['Command', 'median', 'min – max'], loadRows),
  ...(notes.length ? ['', ...notes.map((n) => `note: ${n}`)] : []),
  '',
  `bench took ${Math.round((Date.now() - benchStarted) / 1000)} s`,
];
console.log(output.join('\n'));

writeFileSync(
  join(ROOT, 'bench', 'results.json'),
  JSON.stringify(
    {
      startedAt: new Date(benchStarted).toISOString(),
      durationSeconds: Math.round((Date.now() - benchStarted) / 1000),
      runs: RUNS,
      heavyRuns: HEAVY_RUNS,
      machine,
      targets: TARGETS,
      dist: {
        hashBefore,
        hashAfter,
        totalBytes: distBytes,
        files,
        mainStatic: mainGraph.static.map(rel),
        mainStaticBytes: sizeOf(mainGraph.static),
        mainLazy: mainGraph.lazy.map(rel),
        mainLazyBytes: sizeOf(mainGraph.lazy),
        postStatic: postGraph.static.map(rel),
        postStaticBytes: sizeOf(postGraph.static),
      },
      comparisons: results,
      startup: { tiny: startup, allScenarios: startupAll, credentialsReady },
      moduleLoad: load,
      bareFetchStartup: bareFetch,
      dockerInvocations: docker,
      breakdowns,
      discarded: Object.fromEntries([tiny, multi, rerun, release].map((r) => [r.name, r.discarded])),
      samples: Object.fromEntries(
        [tiny, multi, rerun, release].map((r) => [
          r.name,
          r.pairs.map((p) => ({
            actionMs: round(p.action.sample.wallMs),
            floorMs: round(p.floor.sample.wallMs),
            floorSteps: Object.fromEntries(
              Object.entries(p.floor.sample.steps).map(([k, v]) => [k, round(v)]),
            ),
            actionUploadBytes: p.action.uploadBytes,
            floorUploadBytes: p.floor.uploadBytes,
            actionFirst: p.actionFirst,
            startupMs: p.startupMs,
            phases: p.action.sample.phases,
            exitAndPostMs: p.action.sample.endedAt - p.action.sample.mainDoneAt,
            disturbed: p.disturbed,
          })),
        ]),
      ),
      notes,
    },
    null,
    2,
  ) + '\n',
);

// Our images also landed in the local engine (docker driver): drop them, leave everyone else's.
const ours = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' })
  .split('\n')
  .filter((ref) => repositories.some((repo) => ref.startsWith(`${HOST}/${repo}:`)));
if (ours.length) await exec('docker', ['rmi', ...ours]).catch(() => undefined);
