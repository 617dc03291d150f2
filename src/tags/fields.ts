/**
 * Lexing of metadata-action's list inputs (`tags`, `flavor`): one entry per line, each a CSV
 * record of `key=value` fields.
 */

export interface InputLine {
  /** 1-based line number in the input. */
  line: number;
  /** The line without its comment, trimmed. */
  text: string;
}

export interface Field {
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
 * Non-blank lines with comments removed. metadata-action reads these inputs with csv-parse's
 * `comment: '#'`, which also ends a line at a `#` in mid-line (outside quotes): same here, so a
 * rules block moved over verbatim means the same.
 */
export function readLines(input: string): InputLine[] {
  const lines: InputLine[] = [];
  input.split(/\r?\n/).forEach((raw, index) => {
    const text = stripComment(raw).trim();
    if (text !== '') lines.push({ line: index + 1, text });
  });
  return lines;
}

function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === '#' && !quoted) return line.slice(0, i);
  }
  return line;
}

/**
 * Split one line into fields at commas. A field may be double-quoted (`"value=a,b"`, `""` for a
 * quote) to keep commas in it; a quote inside an unquoted field is literal. Empty fields (a
 * trailing comma) are dropped.
 */
export function splitFields(text: string): Field[] {
  const raw: string[] = [];
  let i = 0;
  while (i <= text.length) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new FieldError('unterminated quote', 'close the quoted field with ", e.g. "value=a,b"');
        }
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < text.length && text[i] !== ',') {
        throw new FieldError(
          `unexpected ${JSON.stringify(text[i])} after a quoted field`,
          'a quoted field must be followed by a comma or the end of the line',
        );
      }
    } else {
      while (i < text.length && text[i] !== ',') field += text[i++];
    }
    raw.push(field);
    i++;
  }
  return raw
    .map((f) => f.trim())
    .filter((f) => f !== '')
    .map(splitKeyValue);
}

function splitKeyValue(field: string): Field {
  const eq = field.indexOf('=');
  if (eq <= 0) return { value: field };
  return { key: field.slice(0, eq).trim().toLowerCase(), value: field.slice(eq + 1).trim() };
}
