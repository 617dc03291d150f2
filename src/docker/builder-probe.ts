import { docker, dockerFailure } from './docker-cli.js';

/** What the current (or named) builder is and what the engine behind it stores images in. */
export interface BuilderProbe {
  name: string;
  /** buildx driver: docker, docker-container, remote, kubernetes. */
  driver: string;
  /** Platforms the builder's nodes report (native ones, plus emulated ones QEMU registered). */
  platforms: string[];
  buildkitVersion?: string;
  /** The engine keeps images in containerd (`driver-type: io.containerd.snapshotter.v1`). */
  containerdStore: boolean;
}

/** What `docker buildx inspect` says; `containerdStore` undefined when it cannot tell. */
type InspectedBuilder = Omit<BuilderProbe, 'containerdStore'> & { containerdStore?: boolean };

/**
 * `docker buildx inspect [NAME]` as text: buildx 0.13 (Debian's, and what older runners
 * carry) has no JSON format for it. The BuildKit worker labels of the `docker` driver tell
 * the image store: the containerd store runs a containerd worker
 * (`org.mobyproject.buildkit.worker.executor: containerd`), the classic store the moby one.
 * No labels (older engines or buildx): an embedded BuildKit older than v0.10 (Docker Engine
 * 20.10 and before, Debian 12's) means the classic store, as the containerd store came with
 * later engines; otherwise unknown, and `docker info` decides. Pure.
 */
export function parseBuildxInspect(text: string): InspectedBuilder {
  const field = (label: string) =>
    new RegExp(`^${label}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim() || undefined;
  const platforms = [...text.matchAll(/^Platforms:[ \t]*(.*)$/gm)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((p) => p.trim().replace(/\*$/, ''))
      .filter(Boolean),
  );
  const labels = new Map(
    [...text.matchAll(/^ (org\.mobyproject\.buildkit\.worker\.[\w.-]+):[ \t]*(.*)$/gm)].map((m) => [
      m[1]!,
      m[2]!.trim(),
    ]),
  );
  const driver = field('Driver') ?? 'docker';
  const buildkitVersion = field('BuildKit version') ?? field('Buildkit');
  const store = () => {
    if (labels.size > 0) return labels.get('org.mobyproject.buildkit.worker.executor') === 'containerd';
    return predatesContainerdStore(buildkitVersion) ? false : undefined;
  };
  return {
    name: field('Name') ?? 'default',
    driver,
    platforms: [...new Set(platforms)],
    buildkitVersion,
    containerdStore: driver === 'docker' ? store() : undefined,
  };
}

/**
 * An engine's embedded BuildKit older than v0.10: Docker Engine 20.10 or before, which has no
 * containerd image store. `v0.0.0+unknown` (what engines 25+ print) says nothing.
 */
function predatesContainerdStore(version: string | undefined): boolean {
  const [, major, minor] = /^v?(\d+)\.(\d+)/.exec(version ?? '') ?? [];
  return Number(major) === 0 && Number(minor) > 0 && Number(minor) < 10;
}

/** `docker info --format '{{json .DriverStatus}}'`: pairs such as ["driver-type","io.containerd.snapshotter.v1"]. Pure. */
export function usesContainerdStore(driverStatus: string): boolean {
  try {
    const pairs = JSON.parse(driverStatus) as [string, string][] | null;
    return (pairs ?? []).some(
      ([key, value]) => key === 'driver-type' && value === 'io.containerd.snapshotter.v1',
    );
  } catch {
    return false;
  }
}

/**
 * The one probe of a job: `docker buildx inspect`, which for the `docker` driver also tells
 * the image store. `docker info` is asked only when the inspect cannot tell and the answer
 * matters (the docker driver, or a load of several platforms into the engine).
 */
export async function probeBuilder(
  name: string | undefined,
  env: Record<string, string>,
  storeMatters: boolean,
): Promise<BuilderProbe> {
  const inspect = await docker(['buildx', 'inspect', ...(name ? [name] : [])], { env, quiet: true });
  if (inspect.exitCode !== 0) {
    throw dockerFailure(
      `docker buildx inspect${name ? ` ${name}` : ''}`,
      inspect,
      name
        ? `No builder named '${name}': create it first (docker/setup-buildx-action, or docker buildx create --name ${name}), or leave \`builder\` empty.`
        : 'Is docker buildx installed? On Debian/Ubuntu: apt-get install docker-buildx (or docker-buildx-plugin).',
      'BuilderProbeFailed',
    );
  }
  const builder = parseBuildxInspect(inspect.stdout);
  if (builder.containerdStore !== undefined) return { ...builder, containerdStore: builder.containerdStore };
  if (builder.driver !== 'docker' && !storeMatters) return { ...builder, containerdStore: false };
  const info = await docker(['info', '--format', '{{json .DriverStatus}}'], { env, quiet: true });
  return { ...builder, containerdStore: info.exitCode === 0 && usesContainerdStore(info.stdout.trim()) };
}
