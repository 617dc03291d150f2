/**
 * `npm run demo`: the action's main job on the embedded local stack. Starts the
 * stack (installing the Debian pieces when run as root), builds and pushes
 * examples/app through the bundled action like the runner would, then tags a
 * release of the same commit (re-tagged, not rebuilt), prints outputs and summary,
 * and stops the stack it started. Without root or Docker it runs the same job as a
 * dry run and says why.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../../e2e/harness.js';
import { checkPrerequisites, ensureStackUp, readStackState, stopStack } from './env.js';
import { REPO_ROOT } from './paths.js';
import { ACCOUNTS, ROLES } from './topology.js';

const APP = join(REPO_ROOT, 'examples/app');
const inputs = {
  'role-to-assume': ROLES[0]!.arn,
  'aws-region': ACCOUNTS[0]!.region,
  repository: 'example-app',
  context: APP,
  'create-repository': 'true',
  'build-args': 'GREETING=hello from the demo',
};

function show(title: string, run: ActionRun): void {
  console.log(`\n=== ${title}: exit ${run.main.code}`);
  const outputs = ['image', 'digest', 'tags', 'version', 'pushed', 'reused', 'platform-digests'];
  for (const name of outputs) console.log(`${name}: ${run.outputs[name]?.replace(/\n/g, '\n  ') ?? ''}`);
  console.log(`\n--- job summary ---\n${run.summary.trim()}`);
  if (run.main.code !== 0) console.log(`\n--- log ---\n${run.main.stdout}${run.main.stderr}`);
}

async function dryRun(reason: string): Promise<number> {
  console.log(`${reason}\nRunning the same job as a dry run (no Docker, no AWS):`);
  const run = await runAction({
    inputs: { ...inputs, 'dry-run': 'true' },
    env: { GITHUB_REF: 'refs/tags/v1.0.0' },
  });
  show('dry run', run);
  return run.main.code;
}

async function demo(): Promise<number> {
  const { root, missing } = checkPrerequisites();
  if (!root)
    return dryRun(
      `The local stack needs root (port 443, /etc/hosts, Docker's CA directory)${missing.length ? ` and ${missing.join(', ')}` : ''}.`,
    );
  const wasUp = readStackState() !== undefined;
  console.log(
    wasUp
      ? 'Local stack already running.'
      : 'Starting the local stack (Docker, buildx, registry, OIDC issuer, AWS emulator)...',
  );
  const env = { ...(await ensureStackUp()) };
  try {
    mkdirSync(join(APP, 'bin'), { recursive: true });
    if (!existsSync(join(APP, 'bin/busybox'))) copyFileSync('/bin/busybox', join(APP, 'bin/busybox'));
    const sha = `${Date.now().toString(16).padStart(12, '0')}${'d'.repeat(28)}`;
    const push = await runAction({ inputs, env: { ...env, GITHUB_SHA: sha } });
    show('push to main', push);
    const release = await runAction({
      inputs,
      env: { ...env, GITHUB_SHA: sha, GITHUB_REF: 'refs/tags/v1.0.0' },
    });
    show('release v1.0.0 of the same commit', release);
    return push.main.code || release.main.code;
  } finally {
    if (!wasUp) {
      await stopStack();
      console.log('\nLocal stack stopped.');
    }
  }
}

demo().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
