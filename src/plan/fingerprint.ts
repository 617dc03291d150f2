import { createHash } from 'node:crypto';
import type { BuildInputs } from '../inputs/types.js';

/** Labels that describe the run, not the image's content: they never force a rebuild. */
const PER_RUN_LABELS = new Set([
  'org.opencontainers.image.created',
  'org.opencontainers.image.revision',
  'org.opencontainers.image.version',
]);

/**
 * What makes two builds of the same source the same image: the Dockerfile (path and
 * bytes, which may live outside the context), target, build args, platforms,
 * attestations, and the user's labels and annotations. Per-run labels (created,
 * revision, version) are left out; the source itself is identified by the reuse tag
 * (commit or tree).
 */
export function buildFingerprint(build: BuildInputs, dockerfile = ''): string {
  const pairs = (list: { key: string; value: string }[]) =>
    list
      .filter(({ key }) => !PER_RUN_LABELS.has(key))
      .map(({ key, value }) => `${key}=${value}`)
      .sort();
  const identity = {
    context: build.context,
    file: build.file ?? '',
    dockerfile: createHash('sha256').update(dockerfile).digest('hex'),
    target: build.target ?? '',
    buildArgs: pairs(build.buildArgs),
    labels: pairs(build.labels),
    annotations: pairs(build.annotations),
    platforms: [...build.platforms].sort(),
    provenance: build.provenance,
    sbom: build.sbom,
    secrets: [...build.secrets, ...build.secretFiles, ...build.secretEnvs].map(({ key }) => key).sort(),
    // Only when set, so images built before these inputs existed keep their fingerprint.
    ...(build.buildContexts.length ? { buildContexts: pairs(build.buildContexts) } : {}),
    ...(build.attests.length ? { attests: [...build.attests].sort() } : {}),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}
