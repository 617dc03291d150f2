import type { Ecr } from '../aws/ecr.js';
import { loadSdk } from '../aws/load-sdk.js';
import { privateHost, resolveTarget, type RegistryTarget } from '../aws/registry-host.js';
import { registryLogin } from '../aws/registry-login.js';
import type { AwsSession } from '../aws/session.js';
import { EcrError, InputError } from '../errors.js';
import { isImmutableTag } from '../plan/publish-plan.js';
import { timed, type RunLog } from '../report/log.js';
import { preconnect } from '../net/transport.js';
import type { Runner } from '../runner/runner.js';
import type { RegistryLogin, RepositoryState } from '../types/registry.js';
import { openSession, requireRegion } from './credentials.js';
import { ifPermitted } from './permissions.js';
import { lookUpTags, type TagLookup } from './tag-lookup.js';
import type { Job } from './prepare.js';

/** A registry the run works with: its ECR API (private registries), the login, the repository's settings. */
export interface OpenRegistry {
  target: RegistryTarget;
  ecr?: Ecr;
  /** Undefined when the run makes no AWS call (a dry run without credentials). */
  login?: RegistryLogin;
  repository: RepositoryState;
  /** False when the repository is not there yet: a dry run that found none, or no AWS call made. */
  exists: boolean;
  /** The primary's planned tags as the registry holds them, read beside the token (the plan's input). */
  tagLookup?: { value: TagLookup } | { error: unknown };
}

/** The primary registry first, then the extra ones. */
export type OpenRegistries = [OpenRegistry, ...OpenRegistry[]];

/** ECR Public repositories, and what the run assumes where it cannot read the settings. */
const DEFAULT_REPOSITORY: RepositoryState = {
  tagMutability: 'MUTABLE',
  mutabilityExclusions: [],
  scanOnPush: false,
};

const WITHOUT_DESCRIBE =
  "the repository's settings were not read: its tag mutability is unknown (a tag that may not move fails at the push, with ECR's message), and create-repository and update-repository-settings were skipped";

/**
 * Step 2: every target. Without a session (no AWS call may be made) the primary registry is
 * described as far as the inputs allow: placeholders for what only AWS could say.
 */
export async function openRegistries(
  job: Job,
  session: AwsSession | undefined,
  runner: Pick<Runner, 'env' | 'mask' | 'notice' | 'info' | 'warning'>,
  log: RunLog,
): Promise<OpenRegistries> {
  if (!session) {
    log.warnings.push(
      'No AWS credentials in the environment: no AWS call was made; existing tags, reuse and repository settings were not checked.',
    );
    const region = job.inputs.auth.region ?? 'REGION';
    const target = resolveTarget(job.inputs.target.registry, job.repository, region, 'ACCOUNT_ID');
    return [{ target, repository: DEFAULT_REPOSITORY, exists: false }];
  }
  const region = requireRegion(job);
  const primary = await openRegistry(
    job,
    resolveTarget(job.inputs.target.registry, job.repository, region, session.account),
    session,
    runner,
    log,
    // push-by-digest plans no tag: nothing to look up.
    !job.inputs.build.pushByDigest,
  );
  assertNoPrimaryAmongExtras(job, primary.target);
  const extras = await Promise.all(
    job.extras.map(async ({ spec, credentials }) => {
      const own = credentials
        ? await openSession(credentials, region, job.inputs.auth, job.retry, runner, log)
        : session;
      const extraRegion = spec.region ?? region;
      const host = spec.host ?? (spec.account ? privateHost(spec.account, extraRegion) : undefined);
      return openRegistry(
        job,
        resolveTarget(host, job.repository, extraRegion, own.account),
        own,
        runner,
        log,
      );
    }),
  );
  return [primary, ...extras];
}

/** `registries` lists only other targets: the primary one there would be pushed to twice. */
function assertNoPrimaryAmongExtras(job: Job, primary: RegistryTarget): void {
  const { host, alias, account, region } = primary;
  const primaryHosts = [host, alias ? `${host}/${alias}` : host];
  const same = job.inputs.target.registries.find(
    (spec) =>
      (spec.host !== undefined && primaryHosts.includes(spec.host)) ||
      (spec.account !== undefined && spec.account === account && spec.region === region),
  );
  if (same) {
    throw new InputError(
      'registries',
      same.spec,
      'targets other than the primary registry',
      `${primary.host} is already where the image goes (\`registry\`/\`aws-region\`): remove it from \`registries\`.`,
    );
  }
}

/**
 * One registry: GetAuthorizationToken and DescribeRepositories (with `readTags`, the primary's,
 * also the BatchGetImage of the planned tags), all at once: each needs only the credentials. The
 * repository is created (or its settings applied) when the inputs ask for it.
 */
async function openRegistry(
  job: Job,
  target: RegistryTarget,
  session: AwsSession,
  runner: Pick<Runner, 'mask' | 'info'>,
  log: RunLog,
  readTags = false,
): Promise<OpenRegistry> {
  const mask = (value: string) => runner.mask(value);
  if (target.kind === 'public') {
    const login = await timed(log, 'ecr', () => registryLogin(target, session, job.retry, mask));
    return { target, login, repository: DEFAULT_REPOSITORY, exists: true };
  }
  // A tag found there means reading its image config from the registry next: its TLS handshake
  // is done while the ECR calls are out.
  if (readTags) preconnect(`https://${target.host}`);
  const { Ecr, explainEcrError } = await loadSdk();
  const ecr = new Ecr(target, session, job.retry);
  const lookupCalls: string[] = [];
  const [login, described, tagLookup] = await timed(log, 'ecr', () =>
    Promise.all([
      registryLogin(target, session, job.retry, mask, ecr),
      ifPermitted(log, WITHOUT_DESCRIBE, async () => ({ state: await ecr.repository() })),
      // Settled, not thrown: without the repository its answer is RepositoryNotFound, which only
      // DescribeRepositories' answer may report (or create-repository turn into a new one).
      readTags
        ? lookUpTags(job.tags, ecr, log, lookupCalls).then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          )
        : undefined,
    ]),
  );
  log.awsCalls.push('ecr:GetAuthorizationToken', 'ecr:DescribeRepositories', ...lookupCalls);
  // Settings unknown: planned as a mutable repository. BatchGetImage still shows which tags exist,
  // and a tag an immutable repository keeps fails at the push with ECR's own message.
  if (!described) return { target, ecr, login, repository: DEFAULT_REPOSITORY, exists: true, tagLookup };
  const existing = described.state;
  const settings = job.inputs.repository;
  let repository = existing;
  if (!repository) {
    if (!settings.create) {
      throw explainEcrError(
        Object.assign(new Error('not found'), { name: 'RepositoryNotFoundException' }),
        'DescribeRepositories',
        target,
      );
    }
    if (job.dryRun) {
      log.warnings.push(
        `Repository ${target.uri} does not exist; a real run creates it (create-repository: true).`,
      );
      repository = {
        tagMutability: settings.tagMutability,
        mutabilityExclusions: settings.mutabilityExclusions,
        scanOnPush: settings.scanOnPush,
      };
    } else {
      repository = await timed(log, 'ecr', () => ecr.createRepository(settings));
      runner.info(
        `Created repository ${target.uri} (${settings.tagMutability}, scan on push: ${settings.scanOnPush}).`,
      );
    }
  } else if (settings.updateSettings && !job.dryRun) {
    const current = repository;
    const given = job.inputs.given.repository;
    const apply = {
      mutability: given.tagMutability || given.mutabilityExclusions,
      scanOnPush: given.scanOnPush,
    };
    repository =
      (await timed(log, 'ecr', () =>
        ifPermitted(log, "update-repository-settings left the repository's settings as they were", () =>
          ecr.updateRepository(current, settings, apply),
        ),
      )) ?? current;
  }
  return {
    target,
    ecr,
    login,
    repository,
    exists: !job.dryRun || existing !== undefined,
    // A repository DescribeRepositories did not find answered the look-up with RepositoryNotFound:
    // the plan reads the tags again, from the repository as it is now (created, or pushed to by
    // a run beside this one).
    tagLookup: existing ? tagLookup : undefined,
  };
}

/**
 * `cache: registry` on an IMMUTABLE repository: the cache tag must move, so it lives in
 * a mutable `REPO-cache` repository, created when `create-repository` is on.
 */
export async function ensureCacheRepository(
  job: Job,
  primary: OpenRegistry,
  runner: Pick<Runner, 'info'>,
  log: RunLog,
): Promise<void> {
  if (
    job.inputs.build.cache !== 'registry' ||
    !primary.ecr ||
    !isImmutableTag('buildcache', primary.repository)
  )
    return;
  const name = `${job.repository}-cache`;
  const cache = primary.ecr.forRepository(name);
  try {
    if (await timed(log, 'ecr', () => cache.repository())) return;
    if (!job.inputs.repository.create) {
      throw new EcrError(
        `The repository is immutable, so the registry cache needs the mutable repository '${name}', which does not exist.`,
        `Set \`create-repository: true\` (the action then creates it), or create it: aws ecr create-repository --repository-name ${name} --region ${primary.target.region}`,
        'CacheRepositoryMissing',
      );
    }
    const settings = {
      ...job.inputs.repository,
      tagMutability: 'MUTABLE' as const,
      mutabilityExclusions: [],
      scanOnPush: false,
      lifecyclePolicy: undefined,
    };
    await timed(log, 'ecr', () => cache.createRepository(settings));
    runner.info(`Created cache repository ${primary.target.uri}-cache (MUTABLE) for the registry cache.`);
  } finally {
    cache.destroy();
  }
}
