/**
 * build-push-action's `tags` are full image references (`HOST/REPOSITORY:TAG`, comma or newline
 * separated, often `${{ steps.meta.outputs.tags }}`). A line of references in `tags` is read as
 * that: each reference becomes its tag, once its name is checked against the targets (the check
 * waits until the registry host is known, see checkTagReferences).
 */
import { ActionError, quoted, TagRuleError } from '../errors.js';
import { ListSyntaxError, parseList } from '../text/list-syntax.js';

export interface TagReference {
  /** 1-based line in `tags`. */
  line: number;
  /** The reference as written. */
  text: string;
  /** HOST/REPOSITORY, or REPOSITORY alone when no registry host is named; lowercase host. */
  name: string;
  tag: string;
}

// docker's reference grammar, loosely: the first component is a host when it has a `.` or `:`
// (or is localhost); a missing tag means `latest`.
const REFERENCE = /^(?:([^/]+)\/)?([^:@]+(?:\/[^:@]+)*?)(?::([\w][\w.-]{0,127}))?$/;

/** Whether a `tags` line is a list of references rather than a metadata-action rule. */
export function isReferenceLine(line: string): boolean {
  if (line.includes('=') || line.includes('{{') || !/[/:]/.test(line)) return false;
  try {
    return parseList(line, { commas: 'split' }).every(({ text }) => /[/:]/.test(text));
  } catch (err) {
    if (err instanceof ListSyntaxError) return false;
    throw err;
  }
}

/** The references on one line; throws a TagRuleError for one that is not a valid reference. */
export function readReferences(line: number, text: string): TagReference[] {
  return parseList(text, { commas: 'split' }).map(({ text: ref }) => {
    const m = REFERENCE.exec(ref);
    const first = m?.[1];
    const isHost = first !== undefined && (/[.:]/.test(first) || first === 'localhost');
    const path = m && (first !== undefined && !isHost ? `${first}/${m[2]}` : m[2]!);
    if (
      !m ||
      !path ||
      !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)
    ) {
      throw new TagRuleError(
        line,
        ref,
        'neither a tag rule nor an image reference HOST/REPOSITORY:TAG',
        ref.includes('@')
          ? 'a digest (@sha256:…) cannot be a tag: give the tag, e.g. HOST/REPOSITORY:v1'
          : 'repository names are lowercase letters, digits and . _ - separated by /, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1',
      );
    }
    const name = isHost ? `${first.toLowerCase()}/${path}` : path;
    return { line, text: ref, name, tag: m[3] ?? 'latest' };
  });
}

interface Target {
  /** HOST/REPOSITORY */
  uri: string;
  repository: string;
}

/**
 * Every reference must name one of the targets (the primary or an extra registry): by its full
 * HOST/REPOSITORY, or by the repository alone when it names no host. Throws one ActionError
 * listing the references that name another image.
 */
export function checkTagReferences(references: readonly TagReference[], targets: readonly Target[]): void {
  const foreign = references.filter(
    (ref) => !targets.some((t) => ref.name === t.uri.toLowerCase() || ref.name === t.repository),
  );
  if (foreign.length === 0) return;
  const names = targets.map((t) => t.uri).join(', ');
  throw new ActionError(
    `tags: ${foreign.map((r) => `line ${r.line} ${quoted(r.text)}`).join(', ')} ${foreign.length === 1 ? 'names' : 'name'} another image than the target${targets.length > 1 ? 's' : ''} ${names}.`,
    `A full reference in \`tags\` becomes its tag only on the image this step pushes. Set \`registry\` and \`repository\` to that image, list other ECR registries in \`registries\`, or write the tag alone (e.g. ${foreign[0]!.tag}).`,
    'TagReferenceMismatch',
  );
}
