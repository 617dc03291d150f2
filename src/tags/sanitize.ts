/** Make a computed value a valid reference tag: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`. */
import { createHash } from 'node:crypto';

const MAX_TAG_LENGTH = 128;
const HASH_LENGTH = 8;

interface SanitizedTag {
  /** The valid tag; '' when nothing valid is left. */
  tag: string;
  /** What was changed, for the warning; empty when the value was already valid. */
  changes: string[];
}

export function sanitizeTag(value: string): SanitizedTag {
  const changes: string[] = [];
  // Runs of invalid characters become one '-', as metadata-action does (`feature/x` → `feature-x`).
  let tag = value.replace(/[^A-Za-z0-9_.-]+/g, '-');
  if (tag !== value) changes.push('invalid characters replaced with "-"');
  const trimmed = tag.replace(/^[.-]+/, '');
  if (trimmed !== tag) changes.push('leading "." or "-" removed');
  tag = trimmed;
  if (tag.length > MAX_TAG_LENGTH) {
    // Keep a hash of the whole value so two long tags that share a prefix stay distinct.
    const hash = createHash('sha256').update(tag).digest('hex').slice(0, HASH_LENGTH);
    tag = `${tag.slice(0, MAX_TAG_LENGTH - HASH_LENGTH - 1)}-${hash}`;
    changes.push(`shortened to ${MAX_TAG_LENGTH} characters with a hash suffix`);
  }
  return { tag, changes };
}
