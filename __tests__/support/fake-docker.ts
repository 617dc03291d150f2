/**
 * A fake `docker` on PATH for the phase tests: it records every call (argv, one line each) and
 * answers like docker and buildx would: `buildx build` writes the metadata and iid files. Its
 * knobs are DOCKER_FAKE_* variables, which the docker child environment lets through.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

const SCRIPT = `#!/bin/sh
echo "$*" >> "$DOCKER_FAKE_LOG"
case "$1 $2" in
  "login "*) printf '%s %s\n' "\${DOCKER_CONFIG:--}" "$(cat)" >> "$DOCKER_FAKE_LOG.logins"; [ "$DOCKER_FAKE_MODE" = login-fails ] && { echo 'denied' >&2; exit 1; }; exit 0 ;;
  "logout "*) [ "$DOCKER_FAKE_MODE" = logout-fails ] && { echo 'not logged in' >&2; exit 1; }; exit 0 ;;
  "buildx create"|"buildx rm")
    [ "$DOCKER_FAKE_MODE" = builder-fails ] && { echo 'no buildx' >&2; exit 1; }
    [ "$DOCKER_FAKE_MODE" = builder-pull-fails ] && { echo 'ERROR: failed to resolve reference "docker.io/moby/buildkit"' >&2; exit 1; }
    exit 0 ;;
  "buildx build") ;;
  *) exit 0 ;;
esac
[ "$DOCKER_FAKE_MODE" = push-refused-immutable ] && { echo '#9 exporting to image'; echo "ERROR: failed to push: tag invalid: The image tag 'v1' already exists and cannot be overwritten because the repository is immutable" >&2; exit 1; }
[ "$DOCKER_FAKE_MODE" = build-fails ] && { echo '#6 [2/2] RUN make' ; echo 'ERROR: process "/bin/sh -c make" did not complete successfully' >&2; exit 1; }
# The registry logins the build would use.
cp "$DOCKER_CONFIG/config.json" "$DOCKER_FAKE_LOG.config" 2>/dev/null
meta=''; iid=''; prev=''
for arg in "$@"; do
  case "$prev" in --metadata-file) meta="$arg" ;; --iidfile) iid="$arg" ;; esac
  prev="$arg"
done
[ -n "$meta" ] && printf '{"containerimage.digest":"%s","containerimage.config.digest":"%s","containerimage.descriptor":{"mediaType":"application/vnd.oci.image.manifest.v1+json"}}' "$DOCKER_FAKE_DIGEST" "$DOCKER_FAKE_CONFIG" > "$meta"
[ -n "$iid" ] && printf '%s' "$DOCKER_FAKE_CONFIG" > "$iid"
exit 0
`;

export type FakeDockerMode =
  | 'ok'
  | 'build-fails'
  | 'login-fails'
  | 'logout-fails'
  | 'builder-fails'
  | 'builder-pull-fails'
  | 'push-refused-immutable';

export interface FakeDocker {
  /** Prepend to PATH (process and runner environment alike). */
  dir: string;
  /** What the runner environment needs for this docker. */
  env(mode?: FakeDockerMode): NodeJS.ProcessEnv;
  /** The calls so far, `docker` left out: `buildx build --push ...`. */
  calls(): string[];
  /** The docker config (DOCKER_CONFIG/config.json) the last `buildx build` saw. */
  buildConfig(): Record<string, unknown>;
  /** Each `docker login` so far: the DOCKER_CONFIG it wrote to (`-`: docker's default) and its stdin. */
  logins(): { dockerConfig: string; stdin: string }[];
}

export function fakeDocker(digest: string, config: string): FakeDocker {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const log = join(dir, 'calls');
  writeFileSync(join(dir, 'docker'), SCRIPT);
  chmodSync(join(dir, 'docker'), 0o755);
  writeFileSync(log, '');
  writeFileSync(`${log}.logins`, '');
  return {
    dir,
    env: (mode = 'ok') => ({
      PATH: `${dir}:/usr/bin:/bin`,
      DOCKER_FAKE_LOG: log,
      DOCKER_FAKE_MODE: mode,
      DOCKER_FAKE_DIGEST: digest,
      DOCKER_FAKE_CONFIG: config,
    }),
    calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    buildConfig: () => JSON.parse(readFileSync(`${log}.config`, 'utf8')) as Record<string, unknown>,
    logins: () =>
      readFileSync(`${log}.logins`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [dockerConfig = '', stdin = ''] = line.split(' ');
          return { dockerConfig, stdin };
        }),
  };
}

/** A fake docker first on this process's PATH for the suite (where @actions/exec looks it up). */
export function useFakeDocker(digest = 'sha256:d', config = 'sha256:c'): FakeDocker {
  const docker = fakeDocker(digest, config);
  const path = process.env.PATH;
  beforeAll(() => {
    process.env.PATH = `${docker.dir}:${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
  });
  return docker;
}
