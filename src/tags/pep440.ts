/**
 * PEP 440 versions: parse, normalize, compare. Written here because no small, well-kept JS
 * library exists for it, and the spec's grammar and ordering fit in a page.
 */
import type { VersionParts } from './semver.js';

export interface Pep440Version {
  epoch: number;
  release: number[];
  pre?: { label: 'a' | 'b' | 'rc'; number: number };
  post?: number;
  dev?: number;
  /** Local label, normalized (`+ubuntu.1`), without the `+`. */
  local?: string;
}

// The spec's canonical pattern (Appendix B), anchored, case-insensitive.
const VERSION =
  /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

const PRE_LABELS: Record<string, 'a' | 'b' | 'rc'> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

export function parsePep440(text: string): Pep440Version | undefined {
  const m = VERSION.exec(text);
  if (!m) return undefined;
  const [, epoch, release, preLabel, preNumber, postDash, postLabel, postNumber, devLabel, devNumber, local] =
    m;
  const version: Pep440Version = { epoch: Number(epoch ?? 0), release: release!.split('.').map(Number) };
  if (preLabel) version.pre = { label: PRE_LABELS[preLabel.toLowerCase()]!, number: Number(preNumber ?? 0) };
  if (postDash !== undefined) version.post = Number(postDash);
  else if (postLabel) version.post = Number(postNumber ?? 0);
  if (devLabel) version.dev = Number(devNumber ?? 0);
  if (local) version.local = local.toLowerCase().replace(/[-_]/g, '.');
  return version;
}

/** The normalized form (`v1.2.3beta2` → `1.2.3b2`, `1.0dev4` → `1.0.dev4`). */
export function normalizePep440(v: Pep440Version): string {
  let out = v.epoch ? `${v.epoch}!` : '';
  out += v.release.join('.');
  if (v.pre) out += `${v.pre.label}${v.pre.number}`;
  if (v.post !== undefined) out += `.post${v.post}`;
  if (v.dev !== undefined) out += `.dev${v.dev}`;
  if (v.local) out += `+${v.local}`;
  return out;
}

/** metadata-action tags dev, pre and post releases with `{{version}}` only, and never as latest. */
function isPep440Unstable(v: Pep440Version): boolean {
  return v.pre !== undefined || v.post !== undefined || v.dev !== undefined;
}

/** PEP 440 ordering (local labels ignored): negative when a < b. */
export function comparePep440(a: Pep440Version, b: Pep440Version): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const d = (a.release[i] ?? 0) - (b.release[i] ?? 0);
    if (d !== 0) return d;
  }
  const ka = suffixKey(a);
  const kb = suffixKey(b);
  return ka.map((n, i) => n - kb[i]!).find((d) => d !== 0) ?? 0;
}

const PRE_RANK = { a: 0, b: 1, rc: 2 };

/** Rank of what follows the release: pre (a bare dev release sorts before any), post, dev. */
function suffixKey(v: Pep440Version): number[] {
  const [preRank, preNumber] = v.pre
    ? [PRE_RANK[v.pre.label], v.pre.number]
    : v.dev !== undefined && v.post === undefined
      ? [-1, 0]
      : [3, 0];
  return [preRank, preNumber, v.post ?? -1, v.dev ?? Number.MAX_SAFE_INTEGER];
}

/** The version as a semver/pep440 pattern sees it; missing minor/patch read as 0. */
export function readPep440(raw: string): VersionParts | undefined {
  const v = parsePep440(raw);
  if (!v) return undefined;
  return {
    raw,
    version: normalizePep440(v),
    major: v.release[0]!,
    minor: v.release[1] ?? 0,
    patch: v.release[2] ?? 0,
    unstable: isPep440Unstable(v),
  };
}
