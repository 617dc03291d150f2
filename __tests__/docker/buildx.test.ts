import { describe, expect, it } from 'vitest';
import { failingPhase } from '../../src/docker/buildx.js';
import { classifyError } from '../../src/retry.js';

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
