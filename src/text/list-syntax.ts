/**
 * The list syntax of docker/build-push-action and docker/metadata-action inputs (`tags`,
 * `build-args`, `labels`, `secrets`, `platforms`, ...): CSV records, one or more per line. A field
 * in double quotes may hold commas, newlines and `""` for a quote; the quotes are removed. A quote
 * inside an unquoted field is literal (csv-parse's relaxQuotes, which both actions use).
 *
 * Written here rather than taking csv-parse: the anchors need only this subset, and every item has
 * to carry its line number for messages (and must never be echoed, for secrets).
 */

interface ListItem {
  /** The item, trimmed, without its quotes. */
  text: string;
  /** 1-based line where the item's record starts. */
  line: number;
}

export interface ListOptions {
  /**
   * `split`: every comma outside quotes separates items, and so does every comma in a record that
   * is one quoted field (build-push-action's `tags`, `platforms`, `ssh`...). `keep`: one item per
   * record, its fields joined again with commas, so `type=registry,ref=x` stays one item while
   * `"FOO=a,b"` loses its quotes (the actions' `ignoreComma`: `build-args`, `labels`, `secrets`,
   * `cache-from`...).
   */
  commas: 'split' | 'keep';
  /** A record starting with `#` is a comment (metadata-action's inputs; `#` later in a line is text). */
  comments?: boolean;
}

/** A quoted field that never closes: names the line only, since the text may be a secret. */
export class ListSyntaxError extends Error {
  constructor(readonly line: number) {
    super(`the double quote opened on line ${line} is never closed`);
  }
}

interface ListRecord {
  /** The fields, unquoted, untrimmed. */
  fields: string[];
  /** Per field: whether it was written in quotes. */
  quoted: boolean[];
  line: number;
}

/** Parse `input` into items; empty items (blank lines, stray commas) are dropped. Throws ListSyntaxError. */
export function parseList(input: string, options: ListOptions): ListItem[] {
  const items: ListItem[] = [];
  for (const { fields, line } of readRecords(input, options.comments ?? false)) {
    const texts =
      options.commas === 'keep' ? [fields.join(',')] : fields.length === 1 ? fields[0]!.split(',') : fields;
    for (const text of texts) {
      const trimmed = text.trim();
      if (trimmed !== '') items.push({ text: trimmed, line });
    }
  }
  return items;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const endsRecord = (input: string, i: number) =>
  i >= input.length || input[i] === '\n' || (input[i] === '\r' && input[i + 1] === '\n');

/** The CSV records of `input`, blank ones left out. Throws ListSyntaxError. */
export function readRecords(input: string, comments: boolean): ListRecord[] {
  const records: ListRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < input.length) {
    const start = line;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    let j = i;
    while (isBlank(input[j])) j++;
    if (comments && input[j] === '#') {
      // A comment runs to the end of its line, quotes included.
      while (!endsRecord(input, i)) i++;
    } else {
      for (;;) {
        const field = readField(input, i, line);
        fields.push(field.text);
        quoted.push(field.quoted);
        i = field.end;
        line = field.line;
        if (input[i] !== ',') break;
        i++;
      }
    }
    if (fields.some((f) => f.trim() !== '')) records.push({ fields, quoted, line: start });
    // Step over the record delimiter.
    if (input[i] === '\r') i++;
    if (input[i] === '\n') {
      i++;
      line++;
    }
  }
  return records;
}

/** One field from `i`: its text, the index of the comma or record end after it, and the line there. */
function readField(
  input: string,
  i: number,
  line: number,
): { text: string; quoted: boolean; end: number; line: number } {
  let j = i;
  while (isBlank(input[j])) j++;
  if (input[j] === '"') {
    let text = '';
    let k = j + 1;
    let at = line;
    for (;;) {
      if (k >= input.length) throw new ListSyntaxError(line);
      const c = input[k]!;
      if (c === '"') {
        if (input[k + 1] === '"') {
          text += '"';
          k += 2;
          continue;
        }
        k++;
        break;
      }
      if (c === '\n') at++;
      text += c;
      k++;
    }
    let end = k;
    while (isBlank(input[end])) end++;
    if (input[end] === ',' || endsRecord(input, end)) return { text, quoted: true, end, line: at };
    // Text after the closing quote: keep the whole field as written, quotes included.
    while (input[end] !== ',' && !endsRecord(input, end)) end++;
    return { text: input.slice(i, end), quoted: false, end, line: at };
  }
  let end = i;
  while (input[end] !== ',' && !endsRecord(input, end)) end++;
  return { text: input.slice(i, end), quoted: false, end, line };
}
