/**
 * Lexing of metadata-action's list inputs (`tags`, `flavor`): one entry per line, each a CSV
 * record of `key=value` fields.
 */
import { ListSyntaxError, readRecords } from '../text/list-syntax.js';

interface InputLine {
  /** 1-based line number in the input. */
  line: number;
  /** The line without its comment, trimmed. */
  text: string;
}

interface Field {
  /** Lowercased attribute name; undefined for a bare value (no `=`). */
  key?: string;
  value: string;
}

/** A line that cannot be split into fields. */
export class FieldError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * Non-blank lines that are not comments. metadata-action reads these inputs with csv-parse's
 * `comment: '#'` and `commentNoInfix`: a `#` starts a comment only at the start of a line, and is
 * text anywhere else (a `pattern=#(\d+)`, a label value).
 */
export function readLines(input: string): InputLine[] {
  const lines: InputLine[] = [];
  input.split(/\r?\n/).forEach((raw, index) => {
    const text = raw.trim();
    if (text !== '' && !text.startsWith('#')) lines.push({ line: index + 1, text });
  });
  return lines;
}

/**
 * Split one line into fields at commas, in the list syntax (list-syntax.ts): a field may be
 * double-quoted (`"value=a,b"`, `""` for a quote) to keep commas in it. Empty fields (a trailing
 * comma) are dropped.
 */
export function splitFields(text: string): Field[] {
  let records;
  try {
    records = readRecords(text, false);
  } catch (e) {
    if (e instanceof ListSyntaxError) {
      throw new FieldError('unterminated quote', 'close the quoted field with ", e.g. "value=a,b"');
    }
    throw e;
  }
  const { fields, quoted } = records[0] ?? { fields: [], quoted: [] };
  // A line that is one quoted field is a whole rule in quotes: metadata-action unquotes the line
  // first, then reads the rule's fields.
  if (fields.length === 1 && quoted[0] && /[,=]/.test(fields[0]!)) return splitFields(fields[0]!);
  return fields
    .map((f) => f.trim())
    .filter((f) => f !== '')
    .map(splitKeyValue);
}

function splitKeyValue(field: string): Field {
  const eq = field.indexOf('=');
  if (eq <= 0) return { value: field };
  return { key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1).trim() };
}
