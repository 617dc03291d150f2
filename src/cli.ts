#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadSdk } from './aws/load-sdk.js';
import { resolveTarget } from './aws/registry-host.js';
import { cleanup } from './post/cleanup.js';
import { readPostState } from './post/state.js';
import { ciEnvironment, type GitReader } from './context/ci-env.js';
import { INPUT_NAMES } from './inputs/table.js';
import { main } from './main.js';
import { dockerEnv } from './docker/job-dir.js';
import { describeFailure } from './errors.js';
import { dockerLogin } from './docker/login.js';
import { emptyReport } from './report/run-report.js';
import { cliRunner, type CliRunner } from './runner/cli-runner.js';
import { getAwsSession, requireRegion } from './steps/credentials.js';
import { nodeDeps, prepareJob } from './steps/prepare.js';

const USAGE = `Usage: ecr-build-push <plan|run|login> [--INPUT VALUE ...]

  plan    dry run: validate, resolve tags, print the plan (read-only AWS calls only with credentials)
  run     build, tag and push (the action's main and post steps in one)
  login   assume the role and log docker in to the registry (no build); prints the registry

Every action input is a flag of the same name (--role-to-assume, --repository, --tags, --dry-run, ...).
Credentials: --role-to-assume with AWS_WEB_IDENTITY_TOKEN_FILE (GitLab id_tokens) or the default chain.
Context comes from GITHUB_*, GitLab, Buildkite or Jenkins variables, else from git.
Outputs: one JSON object on stdout. Logs: stderr.`;

const git: GitReader = {
  sha: () => gitOut(['rev-parse', 'HEAD']),
  tags: () => (gitOut(['tag', '--points-at', 'HEAD']) ?? '').split('\n').filter(Boolean),
  branch: () => {
    const b = gitOut(['rev-parse', '--abbrev-ref', 'HEAD']);
    return b && b !== 'HEAD' ? b : undefined;
  },
  remote: () => gitOut(['remote', 'get-url', 'origin']),
};

function gitOut(args: string[]): string | undefined {
  try {
    return (
      execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

async function cli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || !['plan', 'run', 'login'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    return command === '--help' || command === '-h' ? 0 : 2;
  }
  const options = Object.fromEntries(INPUT_NAMES.map((name) => [name, { type: 'string' as const }]));
  let flags: Record<string, string>;
  try {
    flags = parseArgs({ args: rest, options, strict: true, allowPositionals: false }).values as Record<
      string,
      string
    >;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command === 'plan') flags['dry-run'] = 'true';
  const runner = cliRunner(flags, ciEnvironment(process.env, git), (line) =>
    process.stderr.write(`${line}\n`),
  );
  // stdout carries one JSON document: docker's progress (written to stdout by @actions/exec) goes to stderr.
  const toStdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    if (command === 'login') await login(runner);
    else await main(runner);
    return 0;
  } catch (error) {
    runner.error(describeFailure(error));
    return 1;
  } finally {
    toStdout(`${JSON.stringify(runner.outputs, null, 2)}\n`);
    // The CLI is its own post step.
    const result = await cleanup(
      readPostState((name) => runner.state[name] ?? ''),
      process.env,
    );
    for (const p of [...result.problems, ...(result.leftBehind ? [result.leftBehind] : [])])
      runner.warning(`cleanup: ${p}`);
  }
}

/**
 * `login`: credentials, one authorization token, and `docker login` into the user's own
 * docker config, for scripts that push themselves. Read-only: it creates nothing.
 */
async function login(runner: CliRunner): Promise<void> {
  const job = prepareJob(runner, nodeDeps);
  const session = await getAwsSession(job, runner, emptyReport(false));
  const target = resolveTarget(
    job.inputs.target.registry,
    job.repository,
    requireRegion(job),
    session.account,
  );
  const mask = (value: string) => runner.mask(value);
  const registryLogin =
    target.kind === 'public'
      ? await (await import('./aws/ecr-public.js')).publicLogin(session, job.retry, mask)
      : await new (await loadSdk()).Ecr(target, session, job.retry).login(mask);
  await dockerLogin(target.host, registryLogin, dockerEnv(process.env), job.retry);
  runner.setOutput('registry', target.host);
  runner.setOutput('repository-uri', target.uri);
  runner.setOutput('aws-account-id', session.account);
}

cli(process.argv.slice(2)).then((code) => process.exit(code));
