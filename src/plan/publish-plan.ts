import { EcrError } from '../errors.js';
import type { RepositoryState, StoredImage } from '../types/registry.js';

/** What the registry already holds, read before the build. */
interface RegistryState {
  repository: RepositoryState;
  /** Planned tags (and the reuse tag) that exist, with their images. */
  existing: Map<string, StoredImage>;
  /** Fingerprint label of each existing image, by digest (undefined: no label). */
  fingerprints: Map<string, string | undefined>;
}

interface PublishRequest {
  tags: string[];
  /** Tag that identifies this source (full commit SHA or tree hash); undefined when none is planned. */
  reuseTag?: string;
  reuseExisting: boolean;
  fingerprint: string;
  onImmutableConflict: 'fail' | 'skip';
}

export interface PublishPlan {
  /**
   * build: buildx builds and pushes `push`; reuse: `put` is added to `image` by PutImage, no
   * build; merge: `image` is an index composed from pushed digests, `put` by PutImage.
   */
  mode: 'build' | 'reuse' | 'merge';
  image?: StoredImage;
  push: string[];
  put: string[];
  /** Tags that already name the image this run stands for. */
  unchanged: string[];
  skipped: { tag: string; reason: string }[];
  conflicts: { tag: string; digest: string }[];
  warnings: string[];
  /** Why reuse did or did not happen (shown in the plan and summary). */
  reason: string;
}

/** A plan that does nothing yet: the decisions fill its lists. */
export function emptyPlan(mode: PublishPlan['mode'], reason: string): PublishPlan {
  return { mode, push: [], put: [], unchanged: [], skipped: [], conflicts: [], warnings: [], reason };
}

/** A plan that builds and pushes every tag: when the registry cannot be read (or needs not be). */
export function buildEverything(tags: string[], reason: string): PublishPlan {
  return { ...emptyPlan('build', reason), push: tags };
}

/** The tags the image gets: the planned ones, less the immutable ones skipped. */
export function publishedTags(tags: string[], publish?: PublishPlan): string[] {
  const skipped = publish?.skipped ?? [];
  return tags.filter((tag) => !skipped.some((s) => s.tag === tag));
}

/** Is this tag immutable in this repository, exclusion filters considered? */
export function isImmutableTag(tag: string, repo: RepositoryState): boolean {
  const matches = repo.mutabilityExclusions.some((filter) => wildcard(filter).test(tag));
  switch (repo.tagMutability) {
    case 'IMMUTABLE':
      return true;
    case 'IMMUTABLE_WITH_EXCLUSION':
      return !matches;
    case 'MUTABLE_WITH_EXCLUSION':
      return matches;
    default:
      return false;
  }
}

function wildcard(filter: string): RegExp {
  return new RegExp(`^${filter.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

/**
 * Decides, before any build, what this run does to the registry. Pure: the
 * decision table of mutability x tag exists x same image, and reuse x fingerprint.
 */
export function planPublish(req: PublishRequest, state: RegistryState): PublishPlan {
  const candidate = req.reuseTag ? state.existing.get(req.reuseTag) : undefined;
  // The image this run stands for: this source (reuse tag) built with this configuration.
  const ours =
    candidate && state.fingerprints.get(candidate.digest) === req.fingerprint ? candidate : undefined;
  const plan = emptyPlan('build', '');

  if (req.reuseExisting && ours) {
    plan.mode = 'reuse';
    plan.image = ours;
    plan.reason = `${req.reuseTag} already holds an image built with this configuration (${ours.digest}).`;
  } else {
    plan.reason = !req.reuseExisting
      ? 'reuse-existing is off.'
      : !req.reuseTag
        ? 'no commit or tree tag is planned, so there is nothing to reuse by.'
        : !candidate
          ? `${req.reuseTag} does not exist yet.`
          : `${req.reuseTag} exists but was built with another configuration (fingerprint differs): building.`;
  }

  for (const tag of req.tags) {
    const existing = state.existing.get(tag);
    const immutable = isImmutableTag(tag, state.repository);
    // A rebuild (reuse off) still moves mutable tags; immutable ones already on our image stay.
    const alreadyOurs =
      existing !== undefined && existing.digest === ours?.digest && (plan.mode === 'reuse' || immutable);
    if (alreadyOurs) plan.unchanged.push(tag);
    else if (existing && immutable) {
      if (req.onImmutableConflict === 'skip') {
        plan.skipped.push({ tag, reason: `immutable tag already points at ${existing.digest}` });
      } else plan.conflicts.push({ tag, digest: existing.digest });
    } else if (plan.mode === 'reuse') plan.put.push(tag);
    else plan.push.push(tag);
  }

  // No tags at all is a build-only run (push: false; prepare refuses it when pushing).
  if (plan.mode === 'build' && req.tags.length > 0 && plan.push.length === 0 && plan.conflicts.length === 0) {
    if (ours && plan.unchanged.length > 0) {
      // Every tag left already names our image: re-tag (nothing), never build for nothing.
      plan.mode = 'reuse';
      plan.image = ours;
      plan.reason = 'every planned tag already names the image built from this source and configuration.';
    } else {
      throw new EcrError(
        `Nothing to push: every planned tag exists in this ${state.repository.tagMutability} repository and names another image (${plan.skipped.map((s) => s.tag).join(', ')}).`,
        'Plan at least one new tag (for example the commit SHA), or use `on-immutable-conflict: fail` to see the digests.',
        'NothingToPush',
      );
    }
  }

  // A rebuild gets a new digest: immutable tags left on the earlier build of this source
  // do not name it, so they are reported as skipped, not as tags of this image.
  if (plan.mode === 'build') {
    plan.skipped.push(
      ...plan.unchanged.map((tag) => ({
        tag,
        reason: `immutable; holds an earlier build of this source (${ours!.digest})`,
      })),
    );
    plan.unchanged = [];
  }

  if (state.repository.tagMutability !== 'MUTABLE') {
    const moving = req.tags.filter(
      (tag) => isImmutableTag(tag, state.repository) && isMovingTag(tag, req.reuseTag),
    );
    if (moving.length) {
      plan.warnings.push(
        `Repository is ${state.repository.tagMutability}: tag(s) ${moving.join(', ')} are meant to move (latest, major/minor, branch) and will conflict on the next run that plans them. Exclude them with IMMUTABLE_WITH_EXCLUSION filters, or drop them from the tag rules.`,
      );
    }
  }
  return plan;
}

/** Tags that typically move between builds: latest, partial versions, branch names. */
function isMovingTag(tag: string, reuseTag: string | undefined): boolean {
  if (tag === reuseTag || /^[0-9a-f]{40}$/.test(tag) || /(^|-)sha-[0-9a-f]{7,40}/.test(tag)) return false;
  if (tag === 'latest' || /^v?\d+(\.\d+)?$/.test(tag)) return true;
  return !/\d+\.\d+\.\d+/.test(tag) && !/^pr-\d+$/.test(tag);
}
