import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAndPush, buildHint, failingPhase } from '../../src/docker/buildx.js';
import { classifyError } from '../../src/retry.js';
import { buildSpec, instantRetry } from '../support/helpers.js';

const CACHE_WARNING = [
  '#5 importing cache manifest from r/app:buildcache',
  '#5 ERROR: failed to fetch: unauthorized: authentication required',
  '#5 DONE 0.1s',
];

describe('failingPhase', () => {
  it.each<[string, string[], string, boolean]>([
    [
      'a 503 on push after a refused cache import: only the push step counts, and it is retried',
      [
        ...CACHE_WARNING,
        '#6 [1/2] FROM scratch',
        '#9 exporting to image',
        '#9 pushing layers',
        '#9 ERROR: failed to push r/app:v1: unexpected status: 503 Service Unavailable',
        '------',
        'ERROR: failed to solve: failed to push r/app:v1: 503 Service Unavailable',
      ],
      '#9 exporting to image\n#9 pushing layers\n#9 ERROR: failed to push r/app:v1: unexpected status: 503 Service Unavailable\n------\nERROR: failed to solve: failed to push r/app:v1: 503 Service Unavailable',
      true,
    ],
    [
      'a push refused for credentials stays fatal',
      ['#9 exporting to image', '#9 ERROR: failed to push: unauthorized: authentication required'],
      '#9 exporting to image\n#9 ERROR: failed to push: unauthorized: authentication required',
      false,
    ],
    [
      'the docker driver pushing: a dropped upload is retried',
      [
        '#6 exporting to image',
        '#6 DONE 0.0s',
        '#7 pushing r/app:v1 with docker',
        '#7 pushing layer 167a558ecd76',
        '#7 ERROR: Patch "https://r/v2/app/blobs/uploads/1": EOF',
        'ERROR: Patch "https://r/v2/app/blobs/uploads/1": EOF',
      ],
      '#7 pushing r/app:v1 with docker\n#7 pushing layer 167a558ecd76\n#7 ERROR: Patch "https://r/v2/app/blobs/uploads/1": EOF\nERROR: Patch "https://r/v2/app/blobs/uploads/1": EOF',
      true,
    ],
    [
      'no step numbers (docker itself failed): the whole output',
      ['ERROR: failed to connect to the docker API at unix:///var/run/docker.sock'],
      'ERROR: failed to connect to the docker API at unix:///var/run/docker.sock',
      false,
    ],
  ])('%s', (_, lines, phase, retryable) => {
    expect(failingPhase(lines.join('\n'))).toBe(phase);
    expect(classifyError(Object.assign(new Error('build failed'), { output: phase })).retryable).toBe(
      retryable,
    );
  });
});

describe('buildHint', () => {
  it.each([
    ["docker: 'buildx' is not a docker command.", /apt-get install docker-buildx/],
    [
      "tag invalid: The image tag 'v1' already exists ... cannot be overwritten because the repository is immutable",
      /IMMUTABLE/,
    ],
    ["name unknown: The repository with name 'x' does not exist in the registry", /create-repository: true/],
    ['multiple platforms feature is currently not supported for docker driver', /docker-container builder/],
    ['unexpected status: 401 Unauthorized: authentication required', /ecr:InitiateLayerUpload/],
    ['#5 ERROR: process "/bin/sh -c make" did not complete successfully', undefined],
    ['ERROR: unknown flag: --call', /`call` needs docker buildx 0.15 or newer/],
  ])('%s', (output, hint) => {
    if (hint) expect(buildHint(output)).toMatch(hint);
    else expect(buildHint(output)).toBeUndefined();
  });
});

/**
 * A stand-in `docker` on PATH: fails the way buildx fails (per the FAKE_DOCKER mode),
 * counts its calls, and writes the metadata file buildx would write.
 */
describe('buildAndPush retries a failed push, never a failed build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  const calls = join(dir, 'calls');
  const path = process.env.PATH;
  const script = `#!/bin/bash
echo x >> ${calls}
n=$(wc -l < ${calls})
meta=""; prev=""
for a in "$@"; do [ "$prev" = "--metadata-file" ] && meta="$a"; prev="$a"; done
case "$FAKE_DOCKER:$n" in
  push-fails-once:1) echo '#7 exporting to image' ; echo 'ERROR: failed to push r:v1: unexpected status: 503 Service Unavailable' >&2; exit 1 ;;
  build-fails:*) echo '#6 [2/3] RUN npm test' ; echo 'connect ECONNREFUSED 127.0.0.1:5432' ; echo 'ERROR: process "/bin/sh -c npm test" did not complete successfully' >&2; exit 1 ;;
esac
echo '{"containerimage.digest":"sha256:abc"}' > "$meta"
`;
  const spec = () =>
    buildSpec({
      tags: ['r:v1'],
      push: true,
      metadataFile: join(dir, 'metadata.json'),
      iidFile: join(dir, 'iid'),
    });

  beforeAll(() => {
    writeFileSync(join(dir, 'docker'), script);
    chmodSync(join(dir, 'docker'), 0o755);
    process.env.PATH = `${dir}:${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
  });

  const run = async (mode: string) => {
    writeFileSync(calls, '');
    const retry = instantRetry(4);
    const result = await buildAndPush(spec(), { PATH: process.env.PATH!, FAKE_DOCKER: mode }, retry).then(
      (r) => r,
      (e: Error) => e,
    );
    return {
      result,
      calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean).length,
      lines: retry.lines,
    };
  };

  it('a 503 while pushing: built again (from cache) and pushed', async () => {
    const { result, calls: n, lines } = await run('push-fails-once');
    expect(result).not.toBeInstanceOf(Error);
    expect(n).toBe(2);
    expect(lines.join('\n')).toMatch(/docker buildx build --push failed \(attempt 1\/4\)/);
  });

  it('a failing RUN step is not retried, though its log mentions ECONNREFUSED', async () => {
    const { result, calls: n } = await run('build-fails');
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/docker buildx build failed \(exit 1\)/);
    expect(n).toBe(1);
  });
});
