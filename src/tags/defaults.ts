/**
 * The rules used when `tags` is empty, chosen for ECR: every image gets its full commit sha; a
 * semver tag adds version tags and `latest`; a pull request adds `pr-N`. No branch tags: they
 * move, and a moving tag fails on an IMMUTABLE repository.
 */
import { DEFAULT_PRIORITY } from './rules.js';
import type { Flavor, TagRule } from './types.js';

export function defaultRules(flavor: Flavor): TagRule[] {
  const base = (text: string, priority: number) => ({
    line: 0,
    text: `default: ${text}`,
    enable: 'true',
    priority,
  });
  const semver = (pattern: string) => ({
    ...base(`type=semver,pattern=${pattern}`, DEFAULT_PRIORITY.semver),
    type: 'semver' as const,
    pattern,
    value: '',
    match: '',
  });
  return [
    semver('{{version}}'),
    semver('{{major}}.{{minor}}'),
    // 0.x is unstable by semver's own rule: `0` would alias unrelated APIs.
    { ...semver('{{major}}'), skipZeroMajor: true },
    // Keep the flavor prefix on `pr-N` (metadata-action's `pr-` replaces it) so flavors never share a tag.
    {
      ...base('type=ref,event=pr', DEFAULT_PRIORITY.ref),
      type: 'ref',
      event: 'pr',
      prefix: `${flavor.prefix}pr-`,
    },
    // No prefix attribute: the flavor's prefix and suffix apply to the sha too.
    { ...base('type=sha,format=long', DEFAULT_PRIORITY.sha), type: 'sha', format: 'long' },
  ];
}
