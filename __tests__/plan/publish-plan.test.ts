import { describe, expect, it } from 'vitest';
import type { RepositoryState, StoredImage, TagMutability } from '../../src/types/registry.js';
import { ActionError } from '../../src/errors.js';
import { isImmutableTag, planPublish, type PublishPlan } from '../../src/plan/publish-plan.js';

describe('plan/publish-plan', () => {
  /** The commit tag that identifies this source (reuse tag). */
  const SHA = '860c1904a1ce19322e91ac35af1ab07466440c37';
  const T = 'v1.2.3';
  const FP = 'fp-this-configuration';

  function image(n: string): StoredImage {
    return {
      digest: `sha256:${n.repeat(64)}`,
      manifest: '{"schemaVersion":2}',
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    };
  }

  /**
   * What an existing tag points at:
   * - ours:  the image this run stands for (this commit, this configuration): what SHA holds when reusable;
   * - other: an image built with another configuration;
   * - stale: an image built with this configuration from another commit (an older `latest`).
   */
  const IMAGES = { ours: image('a'), other: image('b'), stale: image('c') };
  const FINGERPRINTS = new Map<string, string | undefined>([
    [IMAGES.ours.digest, FP],
    [IMAGES.other.digest, 'fp-another-configuration'],
    [IMAGES.stale.digest, FP],
  ]);
  type Points = keyof typeof IMAGES;

  const REPOS: Record<string, RepositoryState> = {
    MUTABLE: { tagMutability: 'MUTABLE', mutabilityExclusions: [], scanOnPush: false },
    IMMUTABLE: { tagMutability: 'IMMUTABLE', mutabilityExclusions: [], scanOnPush: false },
    'IMMUTABLE_WITH_EXCLUSION(latest)': {
      tagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      mutabilityExclusions: ['latest'],
      scanOnPush: false,
    },
    'MUTABLE_WITH_EXCLUSION(v*)': {
      tagMutability: 'MUTABLE_WITH_EXCLUSION',
      mutabilityExclusions: ['v*'],
      scanOnPush: false,
    },
  };

  interface Row {
    repo: keyof typeof REPOS;
    tags: string[];
    existing: Record<string, Points>;
    reuse: boolean;
    conflict: 'fail' | 'skip';
    reuseTag?: string | null;
    mode: PublishPlan['mode'];
    push?: string[];
    put?: string[];
    unchanged?: string[];
    skipped?: string[];
    conflicts?: string[];
    /** Digest of the image the reuse re-tags. */
    image?: Points;
  }

  // prettier-ignore
  const ROWS: [string, Row][] = [
  // MUTABLE
  ['MUTABLE, nothing exists, reuse on', { repo: 'MUTABLE', tags: [SHA, T], existing: {}, reuse: true, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['MUTABLE, nothing exists, reuse off', { repo: 'MUTABLE', tags: [SHA, T], existing: {}, reuse: false, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['MUTABLE, commit built, new tag, reuse on → PutImage', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours' }, reuse: true, conflict: 'fail', mode: 'reuse', put: [T], unchanged: [SHA], image: 'ours' }],
  ['MUTABLE, commit built, new tag, reuse off → rebuild moves every mutable tag', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours' }, reuse: false, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['MUTABLE, re-run, reuse on → nothing to do', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'ours' }, reuse: true, conflict: 'fail', mode: 'reuse', unchanged: [SHA, T], image: 'ours' }],
  ['MUTABLE, re-run, reuse off → rebuild and push every tag', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'ours' }, reuse: false, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['MUTABLE, tag elsewhere, reuse on → moved by PutImage', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'other' }, reuse: true, conflict: 'fail', mode: 'reuse', put: [T], unchanged: [SHA], image: 'ours' }],
  ['MUTABLE, tag elsewhere, reuse off → all pushed', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'other' }, reuse: false, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['MUTABLE, configuration changed → rebuild, overwrite', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'other', [T]: 'other' }, reuse: true, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['MUTABLE, configuration changed, skip changes nothing', { repo: 'MUTABLE', tags: [SHA, T], existing: { [SHA]: 'other' }, reuse: true, conflict: 'skip', mode: 'build', push: [SHA, T] }],
  ['MUTABLE, new commit, latest from an older commit (same configuration) → latest moves', { repo: 'MUTABLE', tags: [SHA, 'latest'], existing: { latest: 'stale' }, reuse: true, conflict: 'fail', mode: 'build', push: [SHA, 'latest'] }],
  ['MUTABLE, only latest planned, older latest with the same configuration → build', { repo: 'MUTABLE', tags: ['latest'], reuseTag: null, existing: { latest: 'stale' }, reuse: true, conflict: 'fail', mode: 'build', push: ['latest'] }],
  ['no tags at all: a build-only run (push: false), nothing to push', { repo: 'MUTABLE', tags: [], reuseTag: null, existing: {}, reuse: true, conflict: 'fail', mode: 'build', push: [] }],
  ['MUTABLE, no reuse tag planned', { repo: 'MUTABLE', tags: [T], reuseTag: null, existing: {}, reuse: true, conflict: 'fail', mode: 'build', push: [T] }],

  // IMMUTABLE
  ['IMMUTABLE, nothing exists', { repo: 'IMMUTABLE', tags: [SHA, T], existing: {}, reuse: true, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['IMMUTABLE, commit built, new tag, reuse on → PutImage', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours' }, reuse: true, conflict: 'fail', mode: 'reuse', put: [T], unchanged: [SHA], image: 'ours' }],
  ['IMMUTABLE, commit built, new tag, reuse off → commit tag stays on the earlier build, reported skipped', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours' }, reuse: false, conflict: 'fail', mode: 'build', push: [T], skipped: [SHA] }],
  ['IMMUTABLE, re-run, reuse on → no-op (#1042)', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'ours' }, reuse: true, conflict: 'fail', mode: 'reuse', unchanged: [SHA, T], image: 'ours' }],
  ['IMMUTABLE, re-run, reuse off → no-op (#1042)', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'ours' }, reuse: false, conflict: 'fail', mode: 'reuse', unchanged: [SHA, T], image: 'ours' }],
  ['IMMUTABLE, tag elsewhere, fail → conflict', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'other' }, reuse: true, conflict: 'fail', mode: 'reuse', unchanged: [SHA], conflicts: [T], image: 'ours' }],
  ['IMMUTABLE, tag elsewhere, skip → skipped', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'ours', [T]: 'other' }, reuse: true, conflict: 'skip', mode: 'reuse', unchanged: [SHA], skipped: [T], image: 'ours' }],
  ['IMMUTABLE, configuration changed, fail → commit tag conflicts', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'other' }, reuse: true, conflict: 'fail', mode: 'build', push: [T], conflicts: [SHA] }],
  ['IMMUTABLE, configuration changed, skip → commit tag skipped', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [SHA]: 'other' }, reuse: true, conflict: 'skip', mode: 'build', push: [T], skipped: [SHA] }],
  ['IMMUTABLE, new commit, version tag elsewhere, fail', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [T]: 'other' }, reuse: true, conflict: 'fail', mode: 'build', push: [SHA], conflicts: [T] }],
  ['IMMUTABLE, new commit, version tag elsewhere, skip', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [T]: 'other' }, reuse: false, conflict: 'skip', mode: 'build', push: [SHA], skipped: [T] }],
  ['IMMUTABLE, new commit, version tag on an older commit (same configuration) → conflict', { repo: 'IMMUTABLE', tags: [SHA, T], existing: { [T]: 'stale' }, reuse: true, conflict: 'fail', mode: 'build', push: [SHA], conflicts: [T] }],

  // IMMUTABLE_WITH_EXCLUSION, filter latest
  ['IMMUTABLE_WITH_EXCLUSION, latest elsewhere is excluded → moved by PutImage', { repo: 'IMMUTABLE_WITH_EXCLUSION(latest)', tags: [SHA, T, 'latest'], existing: { [SHA]: 'ours', latest: 'other' }, reuse: true, conflict: 'fail', mode: 'reuse', put: [T, 'latest'], unchanged: [SHA], image: 'ours' }],
  ['IMMUTABLE_WITH_EXCLUSION, version elsewhere conflicts, latest pushed', { repo: 'IMMUTABLE_WITH_EXCLUSION(latest)', tags: [SHA, T, 'latest'], existing: { [T]: 'other', latest: 'other' }, reuse: true, conflict: 'fail', mode: 'build', push: [SHA, 'latest'], conflicts: [T] }],
  ['IMMUTABLE_WITH_EXCLUSION, version elsewhere skipped, latest pushed', { repo: 'IMMUTABLE_WITH_EXCLUSION(latest)', tags: [SHA, T, 'latest'], existing: { [T]: 'other', latest: 'other' }, reuse: true, conflict: 'skip', mode: 'build', push: [SHA, 'latest'], skipped: [T] }],

  // MUTABLE_WITH_EXCLUSION, filter v*: v* tags are the immutable ones
  ['MUTABLE_WITH_EXCLUSION, v-tag elsewhere conflicts, latest overwritten', { repo: 'MUTABLE_WITH_EXCLUSION(v*)', tags: [SHA, T, 'latest'], existing: { [T]: 'other', latest: 'other' }, reuse: true, conflict: 'fail', mode: 'build', push: [SHA, 'latest'], conflicts: [T] }],
  ['MUTABLE_WITH_EXCLUSION, v-tag elsewhere skipped', { repo: 'MUTABLE_WITH_EXCLUSION(v*)', tags: [SHA, T, 'latest'], existing: { [T]: 'other' }, reuse: true, conflict: 'skip', mode: 'build', push: [SHA, 'latest'], skipped: [T] }],
  ['MUTABLE_WITH_EXCLUSION, commit tag elsewhere is mutable → overwritten', { repo: 'MUTABLE_WITH_EXCLUSION(v*)', tags: [SHA, T], existing: { [SHA]: 'other' }, reuse: true, conflict: 'fail', mode: 'build', push: [SHA, T] }],
  ['MUTABLE_WITH_EXCLUSION, reuse adds missing tags', { repo: 'MUTABLE_WITH_EXCLUSION(v*)', tags: [SHA, T, 'latest'], existing: { [SHA]: 'ours', latest: 'other' }, reuse: true, conflict: 'fail', mode: 'reuse', put: [T, 'latest'], unchanged: [SHA], image: 'ours' }],
];

  function run(row: Row): PublishPlan {
    const existing = new Map(Object.entries(row.existing).map(([tag, points]) => [tag, IMAGES[points]]));
    return planPublish(
      {
        tags: row.tags,
        reuseTag: row.reuseTag === null ? undefined : (row.reuseTag ?? SHA),
        reuseExisting: row.reuse,
        fingerprint: FP,
        onImmutableConflict: row.conflict,
      },
      { repository: REPOS[row.repo]!, existing, fingerprints: FINGERPRINTS },
    );
  }

  describe('planPublish: mutability × tag exists × same image × reuse × on-immutable-conflict', () => {
    it.each(ROWS)('%s', (_name, row) => {
      const plan = run(row);
      expect({
        mode: plan.mode,
        push: plan.push,
        put: plan.put,
        unchanged: plan.unchanged,
        skipped: plan.skipped.map((s) => s.tag),
        conflicts: plan.conflicts.map((c) => c.tag),
        image: plan.image?.digest,
      }).toEqual({
        mode: row.mode,
        push: row.push ?? [],
        put: row.put ?? [],
        unchanged: row.unchanged ?? [],
        skipped: row.skipped ?? [],
        conflicts: row.conflicts ?? [],
        image: row.image && IMAGES[row.image].digest,
      });
    });

    it('every planned tag lands in exactly one bucket', () => {
      for (const [, row] of ROWS) {
        const plan = run(row);
        const buckets = [
          ...plan.push,
          ...plan.put,
          ...plan.unchanged,
          ...plan.skipped.map((s) => s.tag),
          ...plan.conflicts.map((c) => c.tag),
        ];
        expect(buckets.sort()).toEqual([...row.tags].sort());
      }
    });

    it('conflicts and skips carry the digest the tag points at now', () => {
      const conflict = run({
        repo: 'IMMUTABLE',
        tags: [SHA, T],
        existing: { [T]: 'other' },
        reuse: true,
        conflict: 'fail',
        mode: 'build',
      });
      expect(conflict.conflicts).toEqual([{ tag: T, digest: IMAGES.other.digest }]);
      const skip = run({
        repo: 'IMMUTABLE',
        tags: [SHA, T],
        existing: { [T]: 'other' },
        reuse: true,
        conflict: 'skip',
        mode: 'build',
      });
      expect(skip.skipped[0]!.reason).toContain(IMAGES.other.digest);
    });

    it('every planned tag skipped on an immutable repository: no build with nothing to push', () => {
      const row: Row = {
        repo: 'IMMUTABLE',
        tags: [SHA, T],
        existing: { [SHA]: 'other', [T]: 'other' },
        reuse: true,
        conflict: 'skip',
        mode: 'build',
      };
      // Either the plan says so up front (an ActionError), or it does not ask buildx to `--push` with no tag.
      let plan: PublishPlan | undefined;
      try {
        plan = run(row);
      } catch (error) {
        expect(error).toBeInstanceOf(ActionError);
        return;
      }
      expect(plan.skipped.map((s) => s.tag)).toEqual([SHA, T]);
      expect(plan.mode === 'build' && plan.push.length === 0).toBe(false);
    });

    // reuse decision → reason
    const reasons: [string, Partial<Row>, RegExp][] = [
      ['reuse off', { reuse: false }, /reuse-existing is off/],
      ['no reuse tag', { reuseTag: null, tags: [T] }, /no commit or tree tag/],
      ['reuse tag missing', { existing: {} }, new RegExp(`${SHA} does not exist yet`)],
      ['fingerprint differs', { existing: { [SHA]: 'other' } }, /another configuration/],
      [
        'reusable',
        { existing: { [SHA]: 'ours' } },
        new RegExp(`${SHA} already holds an image built with this configuration \\(${IMAGES.ours.digest}\\)`),
      ],
    ];
    it.each(reasons)('reason: %s', (_name, overrides, reason) => {
      const plan = run({
        repo: 'MUTABLE',
        tags: [SHA, T],
        existing: {},
        reuse: true,
        conflict: 'fail',
        mode: 'build',
        ...overrides,
      });
      expect(plan.reason).toMatch(reason);
    });

    it('an image without a fingerprint label is never reused', () => {
      const unlabeled = image('d');
      const plan = planPublish(
        { tags: [SHA], reuseTag: SHA, reuseExisting: true, fingerprint: FP, onImmutableConflict: 'fail' },
        {
          repository: REPOS.MUTABLE!,
          existing: new Map([[SHA, unlabeled]]),
          fingerprints: new Map([[unlabeled.digest, undefined]]),
        },
      );
      expect(plan.mode).toBe('build');
      expect(plan.push).toEqual([SHA]);
    });
  });

  describe('planPublish: moving tags on immutable repositories', () => {
    const TAGS = [SHA, 'sha-860c190', 'v1.2.3', '1.2.3', '1.2', 'v1', 'latest', 'main', 'pr-7', '1.2.3-rc.1'];
    // repository → tags named in the warning (undefined: no warning)
    const rows: [keyof typeof REPOS, string[] | undefined][] = [
      ['MUTABLE', undefined],
      ['IMMUTABLE', ['1.2', 'v1', 'latest', 'main']],
      ['IMMUTABLE_WITH_EXCLUSION(latest)', ['1.2', 'v1', 'main']],
      ['MUTABLE_WITH_EXCLUSION(v*)', ['v1']],
    ];
    it.each(rows)('%s → %j', (repo, moving) => {
      const plan = planPublish(
        { tags: TAGS, reuseTag: SHA, reuseExisting: true, fingerprint: FP, onImmutableConflict: 'fail' },
        { repository: REPOS[repo]!, existing: new Map(), fingerprints: new Map() },
      );
      if (!moving) {
        expect(plan.warnings).toEqual([]);
        return;
      }
      expect(plan.warnings).toHaveLength(1);
      expect(plan.warnings[0]).toContain(`Repository is ${REPOS[repo]!.tagMutability}`);
      expect(/tag\(s\) (.*) are meant to move/.exec(plan.warnings[0]!)?.[1]).toBe(moving.join(', '));
    });

    it('IMMUTABLE_WITH_EXCLUSION covering every moving tag: no warning', () => {
      const plan = planPublish(
        {
          tags: [SHA, 'v1.2.3', 'latest'],
          reuseTag: SHA,
          reuseExisting: true,
          fingerprint: FP,
          onImmutableConflict: 'fail',
        },
        {
          repository: REPOS['IMMUTABLE_WITH_EXCLUSION(latest)']!,
          existing: new Map(),
          fingerprints: new Map(),
        },
      );
      expect(plan.warnings).toEqual([]);
    });
  });

  describe('isImmutableTag', () => {
    const repo = (tagMutability: TagMutability, mutabilityExclusions: string[] = []): RepositoryState => ({
      tagMutability,
      mutabilityExclusions,
      scanOnPush: false,
    });
    const rows: [string, RepositoryState, string, boolean][] = [
      ['MUTABLE', repo('MUTABLE'), 'latest', false],
      ['MUTABLE ignores filters', repo('MUTABLE', ['*']), 'latest', false],
      ['IMMUTABLE', repo('IMMUTABLE'), 'latest', true],
      ['IMMUTABLE ignores filters', repo('IMMUTABLE', ['latest']), 'latest', true],
      ['IMMUTABLE_WITH_EXCLUSION, excluded', repo('IMMUTABLE_WITH_EXCLUSION', ['latest']), 'latest', false],
      [
        'IMMUTABLE_WITH_EXCLUSION, not excluded',
        repo('IMMUTABLE_WITH_EXCLUSION', ['latest']),
        'v1.2.3',
        true,
      ],
      [
        'IMMUTABLE_WITH_EXCLUSION, whole match only',
        repo('IMMUTABLE_WITH_EXCLUSION', ['latest']),
        'latest-arm64',
        true,
      ],
      [
        'IMMUTABLE_WITH_EXCLUSION, prefix wildcard',
        repo('IMMUTABLE_WITH_EXCLUSION', ['dev-*']),
        'dev-feature-x',
        false,
      ],
      [
        'IMMUTABLE_WITH_EXCLUSION, prefix wildcard anchored',
        repo('IMMUTABLE_WITH_EXCLUSION', ['dev-*']),
        'xdev-feature',
        true,
      ],
      [
        'IMMUTABLE_WITH_EXCLUSION, suffix wildcard',
        repo('IMMUTABLE_WITH_EXCLUSION', ['*-snapshot']),
        '1.2-snapshot',
        false,
      ],
      [
        'IMMUTABLE_WITH_EXCLUSION, several filters',
        repo('IMMUTABLE_WITH_EXCLUSION', ['latest', 'main', 'dev-*']),
        'main',
        false,
      ],
      ['IMMUTABLE_WITH_EXCLUSION, dot is literal', repo('IMMUTABLE_WITH_EXCLUSION', ['v1.*']), 'v1x2', true],
      [
        'IMMUTABLE_WITH_EXCLUSION, dot matches dot',
        repo('IMMUTABLE_WITH_EXCLUSION', ['v1.*']),
        'v1.2',
        false,
      ],
      ['IMMUTABLE_WITH_EXCLUSION, plus is literal', repo('IMMUTABLE_WITH_EXCLUSION', ['a+b']), 'aab', true],
      ['IMMUTABLE_WITH_EXCLUSION, star matches empty', repo('IMMUTABLE_WITH_EXCLUSION', ['v*']), 'v', false],
      [
        'IMMUTABLE_WITH_EXCLUSION, star everything',
        repo('IMMUTABLE_WITH_EXCLUSION', ['*']),
        'anything',
        false,
      ],
      ['MUTABLE_WITH_EXCLUSION, v* matches', repo('MUTABLE_WITH_EXCLUSION', ['v*']), 'v1.2.3', true],
      [
        'MUTABLE_WITH_EXCLUSION, v* does not match latest',
        repo('MUTABLE_WITH_EXCLUSION', ['v*']),
        'latest',
        false,
      ],
      ['MUTABLE_WITH_EXCLUSION, v* anchored', repo('MUTABLE_WITH_EXCLUSION', ['v*']), 'dev-1', false],
      ['MUTABLE_WITH_EXCLUSION, no filters', repo('MUTABLE_WITH_EXCLUSION', []), 'v1', false],
    ];
    it.each(rows)('%s: %s', (_name, repository, tag, expected) => {
      expect(isImmutableTag(tag, repository)).toBe(expected);
    });
  });
});
