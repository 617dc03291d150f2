import { createHash } from 'node:crypto';
import type { BuildInputs } from '../inputs/types.js';

/** Image label holding the build configuration's fingerprint. */
export const FINGERPRINT_LABEL = 'dev.ecr-build-push.fingerprint';

/**
 * What makes two builds of the same source the same image: Dockerfile, target,
 * build args, platforms and attestations. Labels that change every run (created)
 * are left out; the source itself is identified by the reuse tag (commit or tree).
 */
export function buildFingerprint(build: BuildInputs): string {
  const identity = {
    context: build.context,
    file: build.file ?? '',
    target: build.target ?? '',
    buildArgs: build.buildArgs.map(({ key, value }) => `${key}=${value}`).sort(),
    platforms: [...build.platforms].sort(),
    provenance: build.provenance,
    sbom: build.sbom,
    secrets: [...build.secrets, ...build.secretFiles].map(({ key }) => key).sort(),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 32);
}
