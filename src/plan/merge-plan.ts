import type { RepositoryState, StoredImage } from '../types/registry.js';
import { emptyPlan, isImmutableTag, type PublishPlan } from './publish-plan.js';

/**
 * What a merge does to each planned tag, given the index it composed. Pure. The rules of
 * a build: a tag already naming this index is left alone (so an identical re-run is a
 * no-op, also on an IMMUTABLE repository); an immutable tag naming another image is a
 * conflict or, with `on-immutable-conflict: skip`, skipped; every other tag is put.
 */
export function planMerge(
  tags: string[],
  index: StoredImage,
  existing: Map<string, StoredImage>,
  repository: RepositoryState,
  onImmutableConflict: 'fail' | 'skip',
): PublishPlan {
  const plan: PublishPlan = {
    ...emptyPlan('merge', `merge of the listed digests into index ${index.digest}`),
    image: index,
  };
  for (const tag of tags) {
    const current = existing.get(tag);
    if (current?.digest === index.digest) plan.unchanged.push(tag);
    else if (current && isImmutableTag(tag, repository)) {
      if (onImmutableConflict === 'skip')
        plan.skipped.push({ tag, reason: `immutable tag already points at ${current.digest}` });
      else plan.conflicts.push({ tag, digest: current.digest });
    } else plan.put.push(tag);
  }
  if (plan.put.length === 0 && plan.conflicts.length === 0 && plan.unchanged.length > 0) {
    plan.mode = 'reuse';
    plan.reason = `every planned tag already names index ${index.digest}: nothing to put.`;
  }
  return plan;
}
