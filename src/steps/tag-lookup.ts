import type { Ecr } from '../aws/ecr.js';
import { timed, type RunLog } from '../report/log.js';
import { settleLatest } from '../tags/engine.js';
import type { TagPlan } from '../tags/types.js';
import type { StoredImage } from '../types/registry.js';
import { ifPermitted } from './permissions.js';

/** The planned tags as the registry holds them: which exist, and the plan with `latest` settled. */
export interface TagLookup {
  tags: TagPlan;
  existing: Map<string, StoredImage>;
}

/**
 * The planned tags against the registry: which exist (one BatchGetImage), and whether `latest`
 * would move backwards (ListImages, only when latest=auto added it for a release).
 */
export async function readPlannedTags(planned: TagPlan, ecr: Ecr, log: RunLog): Promise<TagLookup> {
  const calls: string[] = [];
  const lookup = await timed(log, 'ecr', () => lookUpTags(planned, ecr, log, calls));
  log.awsCalls.push(...calls);
  return lookup;
}

/**
 * readPlannedTags untimed, the calls it makes put in `calls`: it needs only the credentials, so
 * openRegistry sends it beside GetAuthorizationToken and DescribeRepositories, in their timing.
 */
export async function lookUpTags(
  planned: TagPlan,
  ecr: Ecr,
  log: RunLog,
  calls: string[],
): Promise<TagLookup> {
  const [existing, existingTags] = await Promise.all([
    ecr.imagesByTag(planned.tags),
    planned.latestGuard
      ? ifPermitted(
          log,
          'latest was added without checking the releases already in the repository, so it may move back to an older version',
          () => ecr.allTags(),
        )
      : undefined,
  ]);
  calls.push('ecr:BatchGetImage');
  if (planned.latestGuard) calls.push('ecr:ListImages');
  return { tags: existingTags ? settleLatest(planned, existingTags) : planned, existing };
}
