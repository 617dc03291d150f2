import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  planCredentials,
  planRoleCredentials,
  type AwsCredentialPlan,
  type CredentialPlan,
} from '../plan/credentials.js';
import { readRunContext } from '../context/github-context.js';
import { repositoryName } from '../context/repository-name.js';
import type { RunContext } from '../context/types.js';
import { ActionError, InputError, quoted } from '../errors.js';
import { repository } from '../inputs/aws-parsers.js';
import { parseInputs } from '../inputs/parse.js';
import { readOptional, type InputFs } from '../inputs/parsers.js';
import type { ExtraTarget, Inputs } from '../inputs/types.js';
import { planBaseLogins, type BaseLogin } from '../plan/base-logins.js';
import { buildFingerprint } from '../plan/fingerprint.js';
import type { RetryPolicy } from '../retry.js';
import type { Runner } from '../runner/runner.js';
import { planTags } from '../tags/engine.js';
import type { TagPlan } from '../tags/types.js';

/** Everything decided before the first network call. */
export interface Job {
  inputs: Inputs;
  ctx: RunContext;
  repository: string;
  /** The tags, planned once (the reuse tag included); the registry's tags only settle `latest`. */
  tags: TagPlan;
  /** Where the primary registry's credentials come from; `none`: no AWS call at all. */
  credentials: CredentialPlan;
  /** The extra registries, in order; `credentials` when one has a role of its own. */
  extras: { spec: ExtraTarget; credentials?: AwsCredentialPlan }[];
  /** `base-registries` as tokens to ask for (pull-only logins); `credentials` for one with a role of its own. */
  bases: { login: BaseLogin; credentials?: AwsCredentialPlan }[];
  dryRun: boolean;
  /** Why the run is a dry run though `dry-run` is false (act without credentials). */
  dryRunReason?: string;
  fingerprint: string;
  /** The tag that identifies this source for reuse: the full commit SHA tag, or tree-<hash>. */
  reuseTag?: string;
  retry: RetryPolicy;
}

/** Side effects the preparation needs, injectable for tests. */
export interface PrepareDeps {
  now: () => Date;
  fs: InputFs;
  /** git tree hash of a directory at HEAD (reuse-key: tree). */
  treeHash: (dir: string) => string;
}

export const nodeDeps: PrepareDeps = {
  now: () => new Date(),
  fs: {
    exists: (path) => existsSync(path),
    isDirectory: (path) => existsSync(path) && statSync(path).isDirectory(),
    readFile: (path) => readFileSync(path, 'utf8'),
  },
  // `./` makes the path relative to the working directory, not the repository root.
  treeHash: (dir) =>
    execFileSync('git', ['rev-parse', `HEAD:./${dir === '.' ? '' : dir}`], { encoding: 'utf8' }).trim(),
};

/** A secret value and each of its lines (the runner masks line by line: a PEM key spans several). */
function maskSecret(runner: Runner, value: string): void {
  for (const text of [value, ...value.split(/\r?\n/)]) if (text.trim()) runner.mask(text.trim());
}

/** Validates every input, resolves the context and the tags, and decides where credentials come from. */
export function prepareJob(runner: Runner, deps: PrepareDeps): Job {
  const env = runner.env;
  // Every line of `secrets` is masked before it is parsed: a malformed line (a token pasted
  // without `id=`) must not reach a message, a log line or the summary in clear.
  // Quotes around a CSV field are not part of any value, and a line of a quote or two alone
  // (the end of a quoted PEM key) masked as it is would hide every quote in the log.
  for (const line of runner.input('secrets').split(/\r?\n/)) {
    const text = line.trim().replace(/^"|"$/g, '');
    if (text.length >= 4) maskSecret(runner, text);
  }
  const inputs = parseInputs((name) => runner.input(name), env, deps.fs);
  for (const { value } of inputs.build.secrets) maskSecret(runner, value);
  for (const { value } of inputs.build.secretEnvs) maskSecret(runner, env[value] ?? '');
  if (inputs.build.githubToken) maskSecret(runner, inputs.build.githubToken);
  const ctx = readRunContext(env, (path) => readOptional(deps.fs, path), deps.now());
  const repository = inputs.target.repository ?? defaultRepository(ctx, deps.fs);
  const tags = planTags(ctx, {
    rules: inputs.tags.rules,
    flavor: inputs.tags.flavor,
    prHeadSha: inputs.tags.prHeadSha,
    labels: inputs.build.labels,
    annotations: inputs.build.annotations,
  });
  const credentials = planCredentials(inputs.auth, ctx, env, inputs.run.dryRun);
  const reuseTag = chooseReuseTag(inputs, tags, deps);
  if (reuseTag && !tags.tags.includes(reuseTag)) tags.tags.push(reuseTag);
  // A run without AWS opens no extra registry: their credentials are not decided either.
  const extras = inputs.target.registries.map((spec) => ({
    spec,
    credentials:
      spec.roleToAssume && credentials.source !== 'none'
        ? planRoleCredentials(inputs.auth, spec.roleToAssume, ctx, env)
        : undefined,
  }));
  const bases = planBaseLogins(inputs.target.baseRegistries).map((login) => ({
    login,
    credentials:
      login.roleToAssume && credentials.source !== 'none'
        ? planRoleCredentials(inputs.auth, login.roleToAssume, ctx, env)
        : undefined,
  }));
  if (tags.tags.length === 0) {
    const problem = `No tags planned for ${ctx.ref || 'this run'}: every rule in \`tags\` is disabled or produced nothing.`;
    const why = `Why each rule produced nothing: ${tags.notes.map((n) => `${n.rule}: ${n.reason}`).join('; ') || 'no rule applies to this event'}.`;
    // Nothing to push to is a failure; a build-only check (a PR gate) builds untagged, as the chain does.
    if (inputs.build.push) {
      throw new ActionError(
        problem,
        `${why} Add a rule that always applies, e.g. \`type=sha,format=long\`.`,
        'NoTags',
      );
    }
    runner.notice(`${problem} Building without tags (push: false). ${why}`);
  }
  return {
    inputs,
    ctx,
    repository,
    tags,
    credentials,
    extras,
    bases,
    dryRun: inputs.run.dryRun || credentials.source === 'none',
    dryRunReason: credentials.source === 'none' ? credentials.reason : undefined,
    fingerprint: buildFingerprint(inputs.build, dockerfileText(inputs, deps.fs)),
    reuseTag,
    retry: retryPolicy(inputs, runner),
  };
}

/** The retry policy of the inputs, logging each retry as a warning. */
export function retryPolicy(inputs: Inputs, runner: Runner): RetryPolicy {
  return {
    maxAttempts: inputs.retry.maxAttempts,
    budgetMs: inputs.retry.budgetSeconds * 1000,
    log: (line) => runner.warning(line),
  };
}

/** The Dockerfile's bytes for the fingerprint ('' for remote contexts or a missing file). */
function dockerfileText(inputs: Inputs, fs: InputFs): string {
  const path = inputs.build.file ?? join(inputs.build.context, 'Dockerfile');
  return readOptional(fs, path) ?? '';
}

/** The GitHub repository's name, checked like the `repository` input (`acme/.github` is no ECR name). */
function defaultRepository(ctx: RunContext, fs: InputFs): string {
  const name = repositoryName(ctx)?.toLowerCase();
  if (!name) {
    throw new ActionError(
      'No `repository` input and no GITHUB_REPOSITORY to default it from.',
      'Set `repository: NAME` (the ECR repository name).',
      'NoRepository',
    );
  }
  try {
    return repository(name, { input: 'repository', fs });
  } catch (error) {
    const { value, expected, hint } = error as InputError;
    throw new InputError(
      'repository',
      value,
      expected,
      `It defaulted from GITHUB_REPOSITORY (${quoted(ctx.repository)}): set \`repository\` to a valid name.${hint ? ` ${hint}` : ''}`,
    );
  }
}

function chooseReuseTag(inputs: Inputs, tags: TagPlan, deps: PrepareDeps): string | undefined {
  if (inputs.publish.reuseKey === 'tree') {
    try {
      return `tree-${deps.treeHash(inputs.build.context)}`;
    } catch (error) {
      throw new ActionError(
        `reuse-key: tree needs the git tree hash of '${inputs.build.context}': ${(error as Error).message.split('\n')[0]}`,
        'Run actions/checkout first (the context must be a directory committed at HEAD), or use `reuse-key: commit`.',
        'NoTreeHash',
      );
    }
  }
  return tags.commitTag;
}
