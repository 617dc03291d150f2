import { ActionError } from '../errors.js';
import type { CacheMode } from '../types/build.js';

export interface CachePlan {
  cacheFrom: string[];
  cacheTo: string[];
  /** Builder the cache needs the action to create (the docker driver exports inline cache only). */
  needsContainerBuilder: boolean;
  /** Local cache directory to restore/save with @actions/cache. */
  localDir?: string;
  notes: string[];
}

export interface CacheRequest {
  mode: CacheMode;
  cacheFrom: string[];
  cacheTo: string[];
  /** HOST/REPO of the image. */
  uri: string;
  immutable: boolean;
  /** Explicit builder the user named: `default` is the docker driver. */
  builder?: string;
  remoteEndpoint: boolean;
  /** Tag whose previous image carries the inline cache (latest, or a branch tag). */
  inlineFromTag?: string;
  /** Where a `local` cache lives between runs. */
  localDir: string;
}

/**
 * Turns the `cache` shortcut into buildx --cache-from/--cache-to values. Pure.
 * Registry cache on ECR needs image-manifest=true,oci-mediatypes=true; an IMMUTABLE
 * repository cannot hold a moving cache tag, so the cache goes to REPO-cache.
 */
export function planCache(req: CacheRequest): CachePlan {
  const plan: CachePlan = {
    cacheFrom: [...req.cacheFrom],
    cacheTo: [...req.cacheTo],
    needsContainerBuilder: false,
    notes: [],
  };
  const exportsOnlyInline = req.builder === 'default';
  switch (req.mode) {
    case 'none':
      break;
    case 'inline':
      plan.cacheTo.push('type=inline');
      // Inline cache lives in the images themselves: read the last image of a moving tag.
      if (req.inlineFromTag) plan.cacheFrom.push(`type=registry,ref=${req.uri}:${req.inlineFromTag}`);
      break;
    case 'registry': {
      const ref = `${req.immutable ? `${req.uri}-cache` : req.uri}:buildcache`;
      if (req.immutable)
        plan.notes.push(
          `The repository is IMMUTABLE: the registry cache is kept in ${ref} (a mutable cache repository).`,
        );
      plan.cacheFrom.push(`type=registry,ref=${ref}`);
      plan.cacheTo.push(`type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true`);
      break;
    }
    case 'gha':
      // buildx reads ACTIONS_CACHE_URL / ACTIONS_RUNTIME_TOKEN from its environment: no token on argv.
      plan.cacheFrom.push('type=gha');
      plan.cacheTo.push('type=gha,mode=max');
      break;
    case 'local':
      plan.localDir = req.localDir;
      plan.cacheFrom.push(`type=local,src=${req.localDir}`);
      plan.cacheTo.push(`type=local,dest=${req.localDir}-new,mode=max`);
      break;
  }
  const exported = plan.cacheTo.some((to) => !to.startsWith('type=inline'));
  if (exported && exportsOnlyInline) {
    throw new ActionError(
      `The cache export ${JSON.stringify(plan.cacheTo.join(' '))} is not supported by builder 'default' (docker driver exports inline cache only).`,
      'Use `cache: inline`, leave `builder` empty so the action creates a docker-container builder, or point `buildkit-endpoint` at a BuildKit daemon.',
      'CacheUnsupported',
    );
  }
  plan.needsContainerBuilder = exported && !req.builder && !req.remoteEndpoint;
  return plan;
}
