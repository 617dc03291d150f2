import { docker, dockerFailure } from './docker-cli.js';

/** How the action creates a builder of its own (setup-buildx-action's inputs). */
export interface BuilderSetup {
  name: string;
  /** A remote BuildKit daemon; otherwise a docker-container builder. */
  endpoint?: string;
  /** The BuildKit image a docker-container builder runs (`buildkit-image`). */
  image: string;
  /** `driver-opts` lines (`key=value`). */
  driverOpts: string[];
  /** A buildkitd.toml written from `buildkitd-config-inline`. */
  configFile?: string;
}

/** `docker buildx create` for the setup; bootstrapped, so an image that cannot be pulled fails here, explained. Pure. */
export function createBuilderArgs(setup: BuilderSetup): string[] {
  if (setup.endpoint) return ['buildx', 'create', '--name', setup.name, '--driver', 'remote', setup.endpoint];
  // A user's `image=` in driver-opts wins over buildkit-image, as in setup-buildx-action.
  const opts = setup.driverOpts.some((o) => o.startsWith('image='))
    ? setup.driverOpts
    : [`image=${setup.image}`, ...setup.driverOpts];
  return [
    'buildx',
    'create',
    '--name',
    setup.name,
    '--driver',
    'docker-container',
    ...opts.flatMap((o) => ['--driver-opt', o]),
    ...(setup.configFile ? ['--buildkitd-config', setup.configFile] : []),
    '--bootstrap',
  ];
}

/** The image a docker-container builder runs, from its creation arguments. */
function builderImage(args: string[]): string {
  const opt = args.find((a, i) => args[i - 1] === '--driver-opt' && a.startsWith('image='));
  return opt?.slice('image='.length) ?? '';
}

/** A failure to get the BuildKit image while booting the builder: lookups, pulls, rate limits. */
const PULL_FAILURE =
  /pulling image|failed to resolve reference|pull access denied|toomanyrequests|manifest unknown|no such host/i;

/**
 * A builder the action creates for this job (remote BuildKit endpoint, or a
 * docker-container builder) and removes in the post step.
 */
export async function createBuilder(setup: BuilderSetup, env: Record<string, string>): Promise<void> {
  const args = createBuilderArgs(setup);
  const result = await docker(args, { env, quiet: true });
  if (result.exitCode === 0) return;
  if (setup.endpoint) {
    throw dockerFailure(
      `docker buildx create (remote ${setup.endpoint})`,
      result,
      'Check that the BuildKit daemon is reachable from the runner and that buildx supports the remote driver (buildx >= 0.8).',
    );
  }
  const output = `${result.stderr}\n${result.stdout}`;
  if (PULL_FAILURE.test(output)) {
    const image = builderImage(args);
    throw dockerFailure(
      `Starting the docker-container builder: the BuildKit image ${image} could not be pulled`,
      result,
      `Set \`buildkit-image\` to a copy the runner can pull (for example your ECR pull-through cache of moby/buildkit, or a mirror), or avoid the builder: set \`builder\` to one you created, or turn on the containerd image store so the docker driver builds this itself.`,
      'BuilderImagePull',
    );
  }
  throw dockerFailure(
    'docker buildx create (docker-container)',
    result,
    'Is docker buildx installed? On Debian/Ubuntu: apt-get install docker-buildx (or docker-buildx-plugin).',
  );
}

export async function removeBuilder(name: string, env: Record<string, string>): Promise<string | undefined> {
  const result = await docker(['buildx', 'rm', name], { env, quiet: true });
  return result.exitCode === 0 ? undefined : `docker buildx rm ${name}: ${result.stderr.trim()}`;
}
