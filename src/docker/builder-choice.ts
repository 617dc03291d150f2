import { ActionError } from '../errors.js';
import type { BuilderProbe } from './builder-probe.js';

/** What the inputs ask of a builder beyond a plain single-platform build. */
export interface BuilderNeeds {
  platforms: string[];
  /** A cache export other than inline (registry, local, gha, s3, azblob). */
  cacheExport: boolean;
  /** Provenance or SBOM attestations. */
  attestations: boolean;
  /** `load: true` (with several platforms it needs the containerd image store). */
  load: boolean;
  push: boolean;
  pushByDigest: boolean;
}

type BuilderChoice =
  /** Build with the current builder, or the named one (`--builder NAME`). */
  | {
      use: 'existing';
      name?: string;
      reason: string;
      notes: string[];
      /** The docker driver on the containerd store keeps what it pushes in the engine: `--load` would store it twice (and fails). */
      pushLoads?: boolean;
    }
  /** Create a builder for this job (removed by the post step). */
  | { use: 'create'; driver: 'docker-container' | 'remote'; reason: string; notes: string[] };

/** Features a builder lacks for these needs; empty when it can do them all. */
function missingFeatures(needs: BuilderNeeds, probe: BuilderProbe): string[] {
  // Every BuildKit driver but `docker` on the classic image store has an OCI image
  // exporter: multi-platform images, cache export, attestations.
  if (probe.driver !== 'docker') return [];
  const missing: string[] = [];
  if (!probe.containerdStore) {
    if (needs.platforms.length > 1) missing.push(`build ${needs.platforms.length} platforms`);
    if (needs.cacheExport) missing.push('export a cache other than inline');
    if (needs.attestations) missing.push('attach provenance or SBOM attestations');
  }
  // buildx refuses it for the docker driver whatever the store ("not implemented").
  if (needs.pushByDigest) missing.push('push by digest (buildx does not implement it for the docker driver)');
  return missing;
}

/** Nothing beyond one platform and inline cache: every builder does that, no probe is needed. */
export function needsProbe(needs: BuilderNeeds): boolean {
  return (
    needs.platforms.length > 1 ||
    needs.cacheExport ||
    needs.attestations ||
    needs.pushByDigest ||
    (needs.load && needs.push)
  );
}

function describe(probe: BuilderProbe): string {
  const store =
    probe.driver === 'docker'
      ? probe.containerdStore
        ? ', containerd image store'
        : ', classic image store'
      : '';
  const version = probe.buildkitVersion ? `, BuildKit ${probe.buildkitVersion}` : '';
  return `'${probe.name}' (${probe.driver} driver${store}${version})`;
}

const ENABLE_CONTAINERD =
  'turn on the containerd image store ({"features":{"containerd-snapshotter":true}} in /etc/docker/daemon.json, the default on Docker Engine 29)';

/**
 * Which builder a build uses, from what the inputs need and what the probe found. Pure.
 * The current builder (one setup-buildx-action or the user selected counts) is used
 * whenever it can do the job; a docker-container builder is created only when it cannot
 * and the user named none. A named builder that cannot is an error, never replaced.
 */
export function chooseBuilder(
  needs: BuilderNeeds,
  named: string | undefined,
  endpoint: string | undefined,
  probe: BuilderProbe | undefined,
): BuilderChoice {
  if (endpoint)
    return {
      use: 'create',
      driver: 'remote',
      reason: `remote BuildKit at ${endpoint} (buildkit-endpoint)`,
      notes: [],
    };
  if (!probe) {
    return {
      use: 'existing',
      name: named,
      reason: named
        ? `'${named}' (builder input)`
        : 'the current builder: a single-platform build without cache export or attestations needs nothing more',
      notes: [],
    };
  }
  if (needs.load && needs.platforms.length > 1 && !probe.containerdStore) {
    throw new ActionError(
      `load: true with ${needs.platforms.length} platforms (${needs.platforms.join(', ')}) needs the containerd image store; this engine uses the classic one, which holds one platform per image.`,
      `Load one platform (set \`platforms\` to one entry, or \`load: false\`), or ${ENABLE_CONTAINERD}.`,
      'LoadUnsupported',
    );
  }
  const notes = emulationNotes(needs.platforms, probe);
  const missing = missingFeatures(needs, probe);
  if (missing.length === 0) {
    const what = [
      needs.platforms.length > 1 && `${needs.platforms.length} platforms`,
      needs.cacheExport && 'cache export',
      needs.attestations && 'attestations',
      needs.pushByDigest && 'push by digest',
      needs.load && needs.platforms.length > 1 && 'multi-platform load',
    ].filter(Boolean);
    return {
      use: 'existing',
      name: named,
      reason: `${named ? 'the named' : 'the current'} builder ${describe(probe)} can do what this build needs${what.length ? ` (${what.join(', ')})` : ''}`,
      notes,
      pushLoads: probe.driver === 'docker' && probe.containerdStore && needs.push && needs.load,
    };
  }
  if (named) {
    throw new ActionError(
      `Builder ${describe(probe)} cannot ${missing.join(', ')}.`,
      `Leave \`builder\` empty (the action then creates a docker-container builder from \`buildkit-image\`), set \`buildkit-endpoint\`, or ${ENABLE_CONTAINERD}.`,
      'BuilderUnsupported',
    );
  }
  return {
    use: 'create',
    driver: 'docker-container',
    reason: `the current builder ${describe(probe)} cannot ${missing.join(', ')}: creating a docker-container builder`,
    notes,
  };
}

/** Requested platforms the builder does not list run under QEMU, if at all. */
function emulationNotes(platforms: string[], probe: BuilderProbe): string[] {
  if (probe.platforms.length === 0) return [];
  const foreign = platforms.filter((p) => !probe.platforms.some((q) => q === p || q.startsWith(`${p}/`)));
  if (foreign.length === 0) return [];
  return [
    `Builder '${probe.name}' does not list ${foreign.join(', ')}: build steps that RUN commands for them need QEMU (docker/setup-qemu-action); FROM/COPY-only stages build anyway.`,
  ];
}
