import { createHash } from 'node:crypto';
import type { CacheMode } from '../types/build.js';

interface CachePlan {
  cacheFrom: string[];
  cacheTo: string[];
  /** A cache export other than inline: the builder must have an OCI exporter. */
  exports: boolean;
  /** Local cache directory to restore/save with @actions/cache. */
  localDir?: string;
  /** The scope this image's cache lives under (gha scope, registry tag suffix, local dir). */
  scope: string;
}

/** What names one image's cache: the repository, the stage and the platforms, or the user's `cache-scope`. */
interface ScopeRequest {
  repository: string;
  target?: string;
  platforms: string[];
  /** `cache-scope`: replaces the derived scope. */
  override?: string;
}

export interface CacheRequest extends ScopeRequest {
  mode: CacheMode;
  cacheFrom: string[];
  cacheTo: string[];
  /** HOST/REPO of the image. */
  uri: string;
  immutable: boolean;
  /** Tag whose previous image carries the inline cache (latest, or a branch tag). */
  inlineFromTag?: string;
  /** Where `cache: local` directories live between runs (one per scope below it). */
  localRoot: string;
}

/** Characters every cache backend accepts in a name (gha scope, ECR tag, directory). */
const slug = (text: string) => text.replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '');

/**
 * The part of the scope beyond the repository: the build stage and the platforms, so a
 * matrix over targets or platforms of one repository keeps one cache each. Pure.
 */
function scopeSuffix(req: ScopeRequest): string {
  if (req.override !== undefined) return slug(req.override);
  return slug([req.target, req.platforms.join('_')].filter(Boolean).join('-'));
}

/** The scope name: `REPOSITORY[-TARGET][-PLATFORMS]`, or `cache-scope` as given. Pure. */
export function cacheScope(req: ScopeRequest): string {
  if (req.override !== undefined) return slug(req.override);
  return [slug(req.repository), scopeSuffix(req)].filter(Boolean).join('-');
}

/** The registry cache tag: `buildcache` for the plain case (as before), `buildcache-SUFFIX` otherwise; ECR caps tags at 128. */
export function registryCacheTag(req: ScopeRequest): string {
  const suffix = scopeSuffix(req);
  if (!suffix) return 'buildcache';
  const tag = `buildcache-${suffix}`;
  if (tag.length <= 128) return tag;
  return `${tag.slice(0, 128 - 17)}-${createHash('sha256').update(tag).digest('hex').slice(0, 16)}`;
}

/**
 * Turns the `cache` shortcut into buildx --cache-from/--cache-to values. Pure.
 * Every image gets its own scope, so a matrix or a monorepo does not make its images
 * evict each other's cache. Registry cache on ECR needs image-manifest=true,oci-mediatypes=true;
 * an IMMUTABLE repository cannot hold a moving cache tag, so the cache goes to REPO-cache.
 * Whether the builder can export is decided with the builder (builder-choice.ts).
 */
export function planCache(req: CacheRequest): CachePlan {
  const scope = cacheScope(req);
  const plan: CachePlan = {
    cacheFrom: [...req.cacheFrom],
    cacheTo: [...req.cacheTo],
    exports: false,
    scope,
  };
  switch (req.mode) {
    case 'none':
      break;
    case 'inline':
      plan.cacheTo.push('type=inline');
      // Inline cache lives in the images themselves: read the last image of a moving tag.
      if (req.inlineFromTag) plan.cacheFrom.push(`type=registry,ref=${req.uri}:${req.inlineFromTag}`);
      break;
    case 'registry': {
      // An IMMUTABLE repository keeps the moving cache tag in a mutable cache repository.
      const ref = `${req.immutable ? `${req.uri}-cache` : req.uri}:${registryCacheTag(req)}`;
      plan.cacheFrom.push(`type=registry,ref=${ref}`);
      plan.cacheTo.push(`type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true`);
      break;
    }
    case 'gha':
      // buildx reads ACTIONS_CACHE_URL / ACTIONS_RUNTIME_TOKEN from its environment: no token on argv.
      plan.cacheFrom.push(`type=gha,scope=${scope}`);
      plan.cacheTo.push(`type=gha,scope=${scope},mode=max`);
      break;
    case 'local': {
      const dir = `${req.localRoot}/${scope}`;
      plan.localDir = dir;
      plan.cacheFrom.push(`type=local,src=${dir}`);
      plan.cacheTo.push(`type=local,dest=${dir}-new,mode=max`);
      break;
    }
  }
  plan.exports = plan.cacheTo.some((to) => !to.startsWith('type=inline'));
  return plan;
}
