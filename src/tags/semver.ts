/** Reading a version for `type=semver` (and the shape `type=pep440` shares). */
// The three functions, not the package: its index loads ranges and comparators too (~20 KB on
// the path to the first request).
import parse from 'semver/functions/parse.js';
import valid from 'semver/functions/valid.js';

/** A version read from a tag or value, as the `{{…}}` of a version pattern see it. */
export interface VersionParts {
  /** As read (after `match`): `{{raw}}`. */
  raw: string;
  /** Normalized, without build metadata: `{{version}}`. */
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** Pre-release (semver), or pre/post/dev release (PEP 440): `{{version}}` only, never latest. */
  unstable: boolean;
}

/** metadata-action's reading: strict validity (a leading `v` is fine), then a loose parse. */
export function readSemver(raw: string): VersionParts | undefined {
  if (!valid(raw)) return undefined;
  const v = parse(raw, { loose: true })!;
  return {
    raw,
    version: v.version,
    major: v.major,
    minor: v.minor,
    patch: v.patch,
    unstable: v.prerelease.length > 0,
  };
}
