/** `latest` never moves backwards: find a release already in the repository that is newer than ours. */
import type SemVer from 'semver/classes/semver.js';
import gt from 'semver/functions/gt.js';
import parse from 'semver/functions/parse.js';
import valid from 'semver/functions/valid.js';
import { comparePep440, parsePep440, type Pep440Version } from './pep440.js';

/** The version a rule tagged, in the scheme it was read with. */
export interface VersionRef {
  scheme: 'semver' | 'pep440';
  text: string;
}

/**
 * The newest existing release tag newer than `current`, or undefined. Existing tags are read
 * with the flavor's prefix and suffix removed (and skipped without them: another flavor's);
 * pre-releases are ignored, since `latest` only ever points at releases.
 */
export function newerRelease(
  current: VersionRef,
  existing: readonly string[],
  prefix: string,
  suffix: string,
): string | undefined {
  const unflavored = existing.flatMap((tag) =>
    tag.startsWith(prefix) && tag.endsWith(suffix) && tag.length > prefix.length + suffix.length
      ? [{ tag, version: tag.slice(prefix.length, tag.length - suffix.length) }]
      : [],
  );
  if (current.scheme === 'semver') {
    const ours = parse(current.text, { loose: true });
    if (!ours) return undefined;
    let best: { tag: string; version: SemVer } | undefined;
    for (const { tag, version } of unflavored) {
      const v = valid(version) ? parse(version) : null;
      if (!v || v.prerelease.length > 0 || !gt(v, ours)) continue;
      if (!best || gt(v, best.version)) best = { tag, version: v };
    }
    return best?.tag;
  }
  const ours = parsePep440(current.text);
  if (!ours) return undefined;
  let best: { tag: string; version: Pep440Version } | undefined;
  for (const { tag, version } of unflavored) {
    const v = parsePep440(version);
    if (!v || v.pre || v.dev !== undefined || comparePep440(v, ours) <= 0) continue;
    if (!best || comparePep440(v, best.version) > 0) best = { tag, version: v };
  }
  return best?.tag;
}
