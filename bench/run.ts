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

// The bench runs on Node 20 like the action's test matrix; the SDK's notice is noise here.
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

async function repoPair(scenario: string): Promise<{ a: string; b: string }> {
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
  repos: { a: string; b: string };
  prepare(i: number): P;
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
  return { reason, startupMs };
}

/**
 * Warm-up pair, then `pairs` measured pairs. A pair shares its content (same context, same commit),
 * so whichever side runs second may find BuildKit's cache warm: the order flips every pair
 * (A B, B A, A B, ...) so that neither side always gets that advantage. A pair during which
 * something else used the stack is measured again (up to `pairs` times per comparison).
 */
async function alternate<P>(run: PairRun<P>): Promise<PairResult> {
  const result: PairResult = { name: run.name, pairs: [], discarded: [] };
  let failures = 4;
  let redos = run.pairs;
  await waitForQuiet();
  for (let i = -1; i < run.pairs; i++) {
    const p = run.prepare(i);
    const label = `${run.name} ${i < 0 ? 'warm-up' : `#${i + 1}`}`;
    try {
      const doAction = async () => {
        const m = await measured(() => run.action(p));
        run.check(p, m.sample);
        return m;
      };
      const doFloor = () => measured(() => run.floor(p));
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
      const { reason, startupMs } = inspect(await client.getLog(), from, Date.now(), a.sample);
      log(
        `  ${label}: action ${ms(a.sample.wallMs)}, floor ${ms(b.sample.wallMs)}${reason ? ` (${reason})` : ''}`,
      );
      if (reason && i >= 0 && redos-- > 0) {
        result.discarded.push(`${label}: ${reason}`);
        await waitForQuiet();
        i--;
        continue;
      }
      if (i >= 0) result.pairs.push({ action: a, floor: b, actionFirst, startupMs, disturbed: reason });
    } catch (error) {
      if (failures-- <= 0) throw error;
      const message = (error as Error).message.split('\n')[0];
      log(`  ${label} failed, measuring it again (${message})`);
      result.discarded.push(`${label}: failed (${message})`);
      await waitForQuiet();
      // A reset elsewhere drops the emulator's repositories (the registry keeps their content).
      await Promise.all([ensureRepo(run.repos.a), ensureRepo(run.repos.b)]);
      i--;
    } finally {
      run.dispose?.(p);
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
  context: string;
  commit: string;
}

/** First push of new content: a fresh context and commit per pair, one repository per side. */
async function firstPush(name: string, pairs: number, layersMb?: number[]): Promise<PairResult> {
  const repos = await repoPair(name);
  return alternate<Fresh>({
    name,
    pairs,
    repos,
    prepare: () => ({ context: makeContext({ layersMb, marker: sha() }), commit: sha() }),
    action: (p) => timeAction({ inputs: baseInputs(repos.a, p.context), env: branchEnv(p.commit) }),
    floor: (p) => runFloor({ context: p.context, repository: repos.b, tags: [p.commit] }),
    check: (p, s) => expectTags(s, [p.commit], false),
    dispose: (p) => rmSync(p.context, { recursive: true, force: true }),
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
  repos: reuseRepos,
  prepare: () => null,
  action: () => timeAction({ inputs: baseInputs(reuseRepos.a, builtContext), env: branchEnv(builtCommit) }),
  floor: () => runFloor({ context: builtContext, repository: reuseRepos.b, tags: [builtCommit] }),
  check: (_, s) => expectTags(s, [builtCommit], true),
});

log('5. release tag on an already-built commit');
const releaseTags = (major: number) => [`${major}.0.0`, `${major}.0`, `${major}`, builtCommit, 'latest'];
// A new major per pair: every release tag is new, as on a real release.
const release = await alternate<number>({
  name: 'release',
  pairs: RUNS,
  repos: reuseRepos,
  prepare: (i) => i + 2,
  action: (major) =>
    timeAction({ inputs: baseInputs(reuseRepos.a, builtContext), env: tagEnv(builtCommit, `${major}.0.0`) }),
  floor: (major) => runFloor({ context: builtContext, repository: reuseRepos.b, tags: releaseTags(major) }),
  check: (major, s) => expectTags(s, releaseTags(major), true),
});

// ---------------------------------------------------------------------------------------------
log('6. start-up and bundle');
const files = distFiles(DIST);
const distBytes = files.reduce((sum, f) => sum + f.bytes, 0);
const mainGraph = loadGraph(join(DIST, 'main.js'));
const postGraph = loadGraph(join(DIST, 'post.js'));
const rel = (f: string) => relative(DIST, f);

/** Node's own start-up, and what loading the bundle adds to it: spawn → exit of three one-liners. */
async function moduleLoad(): Promise<Record<string, Summary>> {
  const importAll = (list: string[]) => list.map((f) => `import ${JSON.stringify(`file://${f}`)};`).join('');
  const eagerDeps = mainGraph.static.filter((f) => f !== join(DIST, 'main.js'));
  const variants: Record<string, string[]> = {
    'node (empty script)': ['-e', ''],
    'node + what main.js imports statically': ['--input-type=module', '-e', importAll(eagerDeps)],
    'node + every chunk main.js can load': [
      '--input-type=module',
      '-e',
      importAll([...eagerDeps, ...mainGraph.lazy]),
    ],
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
const tinyActions = tiny.pairs.map((p) => p.action.sample);

// Per-phase breakdown of the tiny full path.
const phaseNames = [...new Set(tinyActions.flatMap((s) => Object.keys(s.phases)))];
const phaseMedian = (name: string) => median(tinyActions.map((s) => s.phases[name] ?? 0));
const phaseSum = (s: ActionSample) => Object.values(s.phases).reduce((x, y) => x + y, 0);
const breakdown = {
  phases: Object.fromEntries(phaseNames.map((p) => [p, phaseMedian(p)])),
  sumOfPhases: median(tinyActions.map(phaseSum)),
  wall: median(tinyActions.map((s) => s.wallMs)),
  startupAndOther: median(tinyActions.map((s) => s.wallMs - phaseSum(s))),
  startup: startup.median,
  exitAndPost: median(tinyActions.map((s) => s.endedAt - s.mainDoneAt)),
};

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
const machine = {
  nproc: os.availableParallelism(),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  memory: execFileSync('free', ['-h'], { encoding: 'utf8' }).split('\n')[1]?.replace(/\s+/g, ' ').trim(),
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

const phaseRows: string[][] = [
  ['start-up: spawn → first OIDC request (row 6)', ms(breakdown.startup)],
  ...phaseNames.map((p) => [
    p === 'docker-login' ? 'docker-login (runs alongside the ECR plan calls)' : p,
    ms(breakdown.phases[p]!),
  ]),
  ['sum of phases', ms(breakdown.sumOfPhases)],
  ['node start-up + other (wall − sum of phases)', ms(breakdown.startupAndOther)],
  ['… of which main exit + post step (last summary write → post exit)', ms(breakdown.exitAndPost)],
  ['wall, main + post', ms(breakdown.wall)],
];

const loadRows = Object.entries(load).map(([name, s]) => [name, ms(s.median), `${ms(s.min)} – ${ms(s.max)}`]);

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
  `machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memory}; node ${machine.node}; docker ${machine.docker}; ${machine.buildx}`,
  `dist/ ${hashBefore}; load average before ${machine.loadavgBefore.join(' ')}, after ${machine.loadavgAfter.join(' ')}`,
  '',
  table(['#', 'Measurement', 'Action', 'Floor', 'Ratio', 'Target', 'Result'], rows),
  '',
  "Per-phase breakdown, tiny image full path (medians; the action summary's timing table):",
  '',
  table(['Phase', 'ms'], phaseRows),
  '',
  'Module load (spawn → exit, alternated):',
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
      startup: { tiny: startup, allScenarios: startupAll },
      moduleLoad: load,
      dockerInvocations: docker,
      breakdown,
      discarded: Object.fromEntries([tiny, multi, rerun, release].map((r) => [r.name, r.discarded])),
      samples: Object.fromEntries(
        [tiny, multi, rerun, release].map((r) => [
          r.name,
          r.pairs.map((p) => ({
            actionMs: round(p.action.sample.wallMs),
            floorMs: round(p.floor.sample.wallMs),
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
