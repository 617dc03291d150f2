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

/**
 * `docker buildx inspect [NAME]` as text: buildx 0.13 (Debian's, and what older runners
 * carry) has no JSON format for it. Pure.
 */
export function parseBuildxInspect(text: string): Omit<BuilderProbe, 'containerdStore'> {
  const field = (label: string) =>
    new RegExp(`^${label}:[ \\t]*(.*)$`, 'm').exec(text)?.[1]?.trim() || undefined;
  const platforms = [...text.matchAll(/^Platforms:[ \t]*(.*)$/gm)].flatMap((m) =>
    m[1]!
      .split(',')
      .map((p) => p.trim().replace(/\*$/, ''))
      .filter(Boolean),
  );
  return {
    name: field('Name') ?? 'default',
    driver: field('Driver') ?? 'docker',
    platforms: [...new Set(platforms)],
    buildkitVersion: field('BuildKit version') ?? field('Buildkit'),
  };
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
 * The one probe of a job: the builder and the engine, asked together (two docker calls
 * that run at the same time; neither answers both questions).
 */
export async function probeBuilder(
  name: string | undefined,
  env: Record<string, string>,
): Promise<BuilderProbe> {
  const [inspect, info] = await Promise.all([
    docker(['buildx', 'inspect', ...(name ? [name] : [])], { env, quiet: true }),
    docker(['info', '--format', '{{json .DriverStatus}}'], { env, quiet: true }),
  ]);
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
  return {
    ...parseBuildxInspect(inspect.stdout),
    containerdStore: info.exitCode === 0 && usesContainerdStore(info.stdout.trim()),
  };
}
