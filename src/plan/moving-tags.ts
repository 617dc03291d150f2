/**
 * Moving tags (`latest`, `MAJOR`, `MAJOR.MINOR`) under concurrent releases: whichever release
 * pushes last wins the race for them, so after every push each run re-reads the repository and
 * works out where they should point: at the highest release of their family. Every run repairs
 * toward the same answer, so the last one to finish leaves them right. Pure.
 */
// semver's functions, not its index: the index also loads ranges and comparators, on the path
// before the first request.
import type SemVer from 'semver/classes/semver.js';
import parse from 'semver/functions/parse.js';
import rcompare from 'semver/functions/rcompare.js';

interface MovingTagFix {
  tag: string;
  /** The release tag whose image the moving tag should carry, and that image's digest. */
  release: string;
  digest: string;
}

interface Family {
  tag: string;
  includes: (v: SemVer) => boolean;
}

interface Ours {
  tags: readonly string[];
  /** The version this run released (`1.5.0`); no version, no moving tags. */
  version?: string;
}

/** This run's moving tags, with the releases each one follows, and the version tags' prefix (`v`). */
export function movingFamilies(ours: Ours): { prefix: string; families: Family[] } {
  const version = ours.version ? parse(ours.version) : null;
  const none = { prefix: '', families: [] };
  if (!version || version.prerelease.length > 0) return none;
  const versionTag = ours.tags.find(
    (t) => t.endsWith(version.version) && /^[a-z]*$/i.test(t.slice(0, -version.version.length)),
  );
  if (!versionTag) return none;
  const prefix = versionTag.slice(0, -version.version.length);
  const { major, minor } = version;
  const families: Family[] = [
    { tag: 'latest', includes: () => true },
    { tag: `${prefix}${major}`, includes: (v) => v.major === major },
    { tag: `${prefix}${major}.${minor}`, includes: (v) => v.major === major && v.minor === minor },
  ];
  return { prefix, families: families.filter((f) => ours.tags.includes(f.tag)) };
}

/**
 * `repository`: every tag there, tag → digest. The moving tags of ours that point elsewhere than
 * the highest release of their family (a release tag has the version tag's prefix; pre-releases
 * never count).
 */
export function movingTagFixes(ours: Ours, repository: ReadonlyMap<string, string>): MovingTagFix[] {
  const { prefix, families } = movingFamilies(ours);
  const releases = [...repository.keys()].flatMap((tag) => {
    const v = tag.startsWith(prefix) ? parse(tag.slice(prefix.length)) : null;
    return v && v.prerelease.length === 0 && `${prefix}${v.version}` === tag ? [{ tag, v }] : [];
  });
  return families.flatMap(({ tag, includes }) => {
    const highest = releases.filter(({ v }) => includes(v)).sort((a, b) => rcompare(a.v, b.v))[0];
    const digest = highest && repository.get(highest.tag);
    return highest && digest && repository.get(tag) !== digest ? [{ tag, release: highest.tag, digest }] : [];
  });
}
