/**
 * What the main step leaves for the post step (GITHUB_STATE): the one place the state names
 * are spelled. Main and the build write it, the post step (or the CLI, its own post step) reads it.
 */
export interface PostState {
  /** The job-private directory (docker config, secret files): nothing was created without it. */
  jobDir?: string;
  /** Registry hosts docker logged in to. */
  hosts: string[];
  /** A builder this job created. */
  builder?: string;
}

const NAMES = {
  jobDir: 'job-dir',
  hosts: 'hosts',
  builder: 'builder',
} as const satisfies Record<keyof PostState, string>;

export function savePostState(save: (name: string, value: string) => void, state: Partial<PostState>): void {
  for (const key of Object.keys(state) as (keyof PostState)[]) {
    const value = state[key];
    if (value !== undefined) save(NAMES[key], Array.isArray(value) ? value.join(',') : value);
  }
}

export function readPostState(get: (name: string) => string): PostState {
  return {
    jobDir: get(NAMES.jobDir) || undefined,
    hosts: get(NAMES.hosts).split(',').filter(Boolean),
    builder: get(NAMES.builder) || undefined,
  };
}

/** Read from the STATE_* variables directly, so a post step with nothing to do loads nothing. */
export function hasPostWork(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env[`STATE_${NAMES.jobDir}`]);
}
