import type { Ecr } from '../aws/ecr.js';
import type { RegistryLogin, RepositoryState } from '../types/registry.js';
import { EcrError, InputError } from '../errors.js';
import { isImmutableTag } from '../plan/publish-plan.js';
import { loadSdk } from '../aws/load-sdk.js';
import { privateHost, resolveTarget, type RegistryTarget } from '../aws/registry-host.js';
import type { AwsSession } from '../aws/session.js';
import type { ExtraTarget } from '../inputs/types.js';
import { timed, type RunReport } from '../report/run-report.js';
import type { Runner } from '../runner/runner.js';
import { getAwsSession, requireRegion } from './credentials.js';
import type { Job } from './prepare.js';

/** A registry we can talk to: its ECR API (private registries), the login, the repository's settings. */
export interface OpenRegistry {
  target: RegistryTarget;
  ecr?: Ecr;
  login: RegistryLogin;
  repository: RepositoryState;
  /** False only in a dry run that found no repository (a real run creates it). */
  exists: boolean;
}

const PUBLIC_REPOSITORY: RepositoryState = {
  tagMutability: 'MUTABLE',
  mutabilityExclusions: [],
  scanOnPush: false,
};

/**
 * Step 2: ECR. One GetAuthorizationToken and one DescribeRepositories, in parallel;
 * the repository is created (or its settings applied) when the inputs ask for it.
 */
export async function openRegistry(
  job: Job,
  session: AwsSession,
  runner: Runner,
  report: RunReport,
  spec?: ExtraTarget,
): Promise<OpenRegistry> {
  const region = spec?.region ?? requireRegion(job);
  const registry = spec
    ? (spec.host ?? (spec.account ? privateHost(spec.account, region) : undefined))
    : job.inputs.target.registry;
  const target = resolveTarget(registry, job.repository, region, session.account);
  const mask = (value: string) => runner.mask(value);
  if (target.kind === 'public') {
    const { publicLogin } = await import('../aws/ecr-public.js');
    const login = await timed(report, 'ecr', () => publicLogin(session, job.retry, mask));
    return { target, login, repository: PUBLIC_REPOSITORY, exists: true };
  }
  const { Ecr, explainEcrError } = await loadSdk();
  const ecr = new Ecr(target, session, job.retry);
  const [login, existing] = await timed(report, 'ecr', () =>
    Promise.all([ecr.login(mask), ecr.repository()]),
  );
  report.awsCalls.push('ecr:GetAuthorizationToken', 'ecr:DescribeRepositories');
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
      report.warnings.push(
        `Repository ${target.uri} does not exist; a real run creates it (create-repository: true).`,
      );
      repository = {
        tagMutability: settings.tagMutability,
        mutabilityExclusions: settings.mutabilityExclusions,
        scanOnPush: settings.scanOnPush,
      };
    } else {
      repository = await timed(report, 'ecr', () => ecr.createRepository(settings));
      runner.info(
        `Created repository ${target.uri} (${settings.tagMutability}, scan on push: ${settings.scanOnPush}).`,
      );
    }
  } else if (settings.updateSettings && !job.dryRun) {
    const current = repository;
    const given = (input: string) => runner.input(input).trim() !== '';
    repository = await timed(report, 'ecr', () => ecr.updateRepository(current, settings, given));
  }
  return { target, ecr, login, repository, exists: !job.dryRun || existing !== undefined };
}

/** Extra targets (`registries`): each opened with the same session, or its own role. */
export async function openExtraRegistries(
  job: Job,
  primary: OpenRegistry,
  session: AwsSession,
  runner: Runner,
  report: RunReport,
): Promise<OpenRegistry[]> {
  const { host, alias, account, region } = primary.target;
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
      `${primary.target.host} is already where the image goes (\`registry\`/\`aws-region\`): remove it from \`registries\`.`,
    );
  }
  return Promise.all(
    job.inputs.target.registries.map(async (spec) => {
      const own = spec.roleToAssume ? await getAwsSession(job, runner, report, spec.roleToAssume) : session;
      return openRegistry(job, own, runner, report, spec);
    }),
  );
}

/**
 * `cache: registry` on an IMMUTABLE repository: the cache tag must move, so it lives in
 * a mutable `REPO-cache` repository, created when `create-repository` is on.
 */
export async function ensureCacheRepository(
  job: Job,
  primary: OpenRegistry,
  runner: Runner,
  report: RunReport,
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
    if (await timed(report, 'ecr', () => cache.repository())) return;
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
    await timed(report, 'ecr', () => cache.createRepository(settings));
    runner.info(`Created cache repository ${primary.target.uri}-cache (MUTABLE) for the registry cache.`);
  } finally {
    cache.destroy();
  }
}
