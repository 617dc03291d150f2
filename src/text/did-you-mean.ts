/** Did-you-mean for enum-like inputs: the closest candidate by edit distance, when it is close enough. */

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (`amd46` → `amd64` is 1). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate closest to `value` (case-insensitive), or undefined when none is within a third of its
 * length. Ties go to a candidate with the same first letter: typos rarely hit the first one.
 */
export function closest(value: string, candidates: readonly string[]): string | undefined {
  const needle = value.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = editDistance(needle, lower) - (lower[0] === needle[0] ? 0.5 : 0);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  const limit = Math.max(1, Math.floor(needle.length / 3));
  return best && best.distance <= limit ? best.candidate : undefined;
}

/** `Did you mean "x"?` or undefined: ready to pass as an InputError hint. */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  const match = closest(value, candidates);
  return match === undefined ? undefined : `Did you mean ${JSON.stringify(match)}?`;
}
