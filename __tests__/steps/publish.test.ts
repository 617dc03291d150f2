import { describe, expect, it } from 'vitest';
import type { Ecr } from '../../src/aws/ecr.js';
import { EcrError } from '../../src/errors.js';
import type { PublishPlan } from '../../src/plan/publish-plan.js';
import { newLog } from '../../src/report/log.js';
import {
  assertNoConflicts,
  convergeMovingTags,
  immutableRefusal,
  lostRace,
  winnersImage,
} from '../../src/steps/publish.js';
import { HOST, openedRegistry } from '../support/job.js';
import type { RepositoryState, StoredImage } from '../../src/types/registry.js';

const URI = `${HOST}/app`;
const d = (c: string) => `sha256:${c.repeat(64)}`;

describe('assertNoConflicts', () => {
  const plan = (conflicts: PublishPlan['conflicts']): PublishPlan => ({
    mode: 'build',
    push: ['abc'],
    put: [],
    unchanged: [],
    skipped: [],
    conflicts,
    warnings: [],
    reason: '',
  });

  it('no conflicts: passes', () => {
    expect(() => assertNoConflicts(plan([]), URI)).not.toThrow();
  });

  it('conflicts: fails before the build listing each tag and its current digest', () => {
    let thrown: unknown;
    try {
      assertNoConflicts(
        plan([
          { tag: 'v1.2.3', digest: d('b') },
          { tag: 'latest', digest: d('c') },
        ]),
        URI,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EcrError);
    const err = thrown as EcrError;
    expect(err.code).toBe('ImmutableTagConflict');
    expect(err.message).toContain('2 planned tag(s)');
    expect(err.message).toContain(`${URI}:v1.2.3 -> ${d('b')}`);
    expect(err.message).toContain(`${URI}:latest -> ${d('c')}`);
    expect(err.hint).toContain('Nothing was built or pushed');
    expect(err.hint).toContain('on-immutable-conflict: skip');
  });
});

const image = (digest: string): StoredImage => ({
  digest,
  manifest: '{}',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
});
const A = image(`sha256:${'a'.repeat(64)}`);
const B = image(`sha256:${'b'.repeat(64)}`);

describe('steps/publish winnersImage', () => {
  const OURS = 'fp-ours';
  // [case, our tags, what the repository holds, fingerprint of each image, verdict]
  const rows: [
    string,
    string[],
    [string, StoredImage][],
    [string, string | undefined][],
    StoredImage | 'wait' | undefined,
  ][] = [
    [
      'every tag on one image of our fingerprint: adopt it',
      ['v1', 'sha-1'],
      [
        ['v1', A],
        ['sha-1', A],
      ],
      [[A.digest, OURS]],
      A,
    ],
    [
      'the winner pushed one tag of two so far: wait',
      ['v1', 'sha-1'],
      [['v1', A]],
      [[A.digest, OURS]],
      'wait',
    ],
    ['nothing visible yet: wait', ['v1'], [], [], 'wait'],
    [
      'every tag on one image of another build: a real conflict',
      ['v1'],
      [['v1', A]],
      [[A.digest, 'fp-other']],
      undefined,
    ],
    [
      'a tag of another build, the others not there yet: a conflict at once, no waiting',
      ['v1', 'sha-1'],
      [['v1', A]],
      [[A.digest, 'fp-other']],
      undefined,
    ],
    [
      'an image whose labels could not be read is not adopted',
      ['v1'],
      [['v1', A]],
      [[A.digest, undefined]],
      undefined,
    ],
    [
      'two images hold our tags: a real conflict',
      ['v1', 'sha-1'],
      [
        ['v1', A],
        ['sha-1', B],
      ],
      [
        [A.digest, OURS],
        [B.digest, OURS],
      ],
      undefined,
    ],
    [
      'a conflict is final even with a tag missing',
      ['v1', 'sha-1', 'x'],
      [
        ['v1', A],
        ['sha-1', B],
      ],
      [
        [A.digest, OURS],
        [B.digest, 'fp-other'],
      ],
      undefined,
    ],
  ];
  it.each(rows)('%s', (_name, tags, held, fingerprints, verdict) => {
    expect(winnersImage(tags, new Map(held), new Map(fingerprints), OURS)).toBe(verdict);
  });
});

describe('steps/publish lostRace', () => {
  const OURS = 'fp-ours';
  // [case, what holds our tags v1 and sha-1, fingerprint of each image, what the message says]
  const rows: [string, [string, StoredImage][], [string, string][], string[]][] = [
    [
      'another build holds v1, sha-1 not pushed',
      [['v1', A]],
      [[A.digest, 'fp-other']],
      [
        "tag(s) of this run name another build's image",
        `${URI}:v1 -> ${A.digest} (another build)`,
        `${URI}:sha-1: not pushed`,
        'tags of its own',
      ],
    ],
    [
      'two images of this configuration: runs on one engine re-tagged each other',
      [
        ['v1', A],
        ['sha-1', B],
      ],
      [
        [A.digest, OURS],
        [B.digest, OURS],
      ],
      [
        'name two images of this source and configuration',
        `${URI}:v1 -> ${A.digest} (this source and configuration)`,
        `${URI}:sha-1 -> ${B.digest} (this source and configuration)`,
        'share a Docker engine',
      ],
    ],
  ];
  it.each(rows)('%s', (_name, held, fingerprints, says) => {
    const error = lostRace(URI, ['v1', 'sha-1'], new Map(held), new Map(fingerprints), OURS);
    expect(error.code).toBe('ImmutableTagConflict');
    for (const text of says) expect(`${error.message}\n${error.hint}`).toContain(text);
  });
});

describe('steps/publish immutableRefusal', () => {
  const put = (tag: string, status: string) =>
    `#6 ERROR: failed to push ${URI}:${tag}: failed commit on ref "manifest-sha256:${'d'.repeat(64)}": unexpected status from PUT request to https://${URI.replace('/', '/v2/')}/manifests/${tag}: ${status}`;
  // [case, push output, tags the repository keeps immutable, refused as immutable?]
  const rows: [string, string, string[], boolean][] = [
    [
      "docker's words",
      "ERROR: tag invalid: The image tag 'v1' already exists in the 'app' repository and cannot be overwritten because the repository is immutable.",
      [],
      true,
    ],
    [
      "BuildKit's pusher: 400 on the manifest PUT of an immutable tag",
      put('stable', '400 Bad Request'),
      ['stable'],
      true,
    ],
    [
      'BuildKit: 400 on a tag the repository lets move (another refusal)',
      put('dev', '400 Bad Request'),
      ['stable'],
      false,
    ],
    [
      'BuildKit: a 5xx on an immutable tag is no refusal',
      put('stable', '503 Service Unavailable'),
      ['stable'],
      false,
    ],
    ['a build failure', 'ERROR: process "/bin/sh -c make" did not complete successfully', ['stable'], false],
  ];
  it.each(rows)('%s', (_name, output, immutable, refused) => {
    expect(immutableRefusal(output, (tag) => immutable.includes(tag))).toBe(refused);
  });
});

describe('steps/publish convergeMovingTags', () => {
  // Release 1.2.0 (digest A) pushed 1.2.0 and 1; the repository may say otherwise.
  // [case, what the repository holds, its settings, tags re-pointed, warnings]
  const rows: [string, [string, string][], Partial<RepositoryState>, string[], string[]][] = [
    [
      'an older release took 1 meanwhile: re-pointed, said once as a warning',
      [
        ['1.2.0', A.digest],
        ['1.1.0', B.digest],
        ['1', B.digest],
      ],
      {},
      ['1'],
      [`Moving tag 1 was held by an older release: re-pointed to 1.2.0 (${A.digest}).`],
    ],
    [
      '1 already on the highest release: nothing moved, nothing said',
      [
        ['1.2.0', A.digest],
        ['1.1.0', B.digest],
        ['1', A.digest],
      ],
      {},
      [],
      [],
    ],
    [
      'a tag the repository keeps immutable never moves',
      [
        ['1.2.0', A.digest],
        ['1.1.0', B.digest],
        ['1', B.digest],
      ],
      { tagMutability: 'IMMUTABLE' },
      [],
      [],
    ],
  ];
  it.each(rows)('%s', async (_name, held, settings, moved, warnings) => {
    const put: string[] = [];
    const ecr = {
      tagDigests: async () => new Map(held),
      manifest: async (digest: string) => [A, B].find((i) => i.digest === digest),
      putTag: async (_image: StoredImage, tag: string) => {
        put.push(tag);
      },
    };
    const log = newLog();
    const primary = { ...openedRegistry(settings), ecr: ecr as unknown as Ecr };
    await convergeMovingTags(primary, ['1.2.0', '1'], '1.2.0', log);
    expect(put).toEqual(moved);
    expect(log.warnings).toEqual(warnings);
  });
});
