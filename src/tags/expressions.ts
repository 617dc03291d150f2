/**
 * The `{{…}}` templates of metadata-action rules: `{{name}}` and `{{helper 'arg' key='value'}}`.
 * A small reader instead of Handlebars: the language is a handful of names, and reading it here
 * lets an unknown name or a bad time zone fail at parse time with the rule's line.
 */
import { isTimeZone } from './dates.js';
import { didYouMean } from '../text/did-you-mean.js';
import { quoted } from '../errors.js';

export interface Expression {
  name: string;
  /** Positional string arguments. */
  args: string[];
  /** `key='value'` arguments. */
  hash: Record<string, string>;
  /**
   * Unquoted arguments (`{{date YYYYMMDD}}`): Handlebars reads them as variables, which are
   * undefined here, so they count as missing arguments (metadata-action's behaviour).
   */
  unquoted: string[];
  /** As written, `{{…}}` included. */
  source: string;
}

type Segment = string | Expression;

/** Values (or helpers) by expression name. */
export type TemplateValues = Record<string, string | ((expression: Expression) => string)>;

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Expressions available in every attribute. */
export const GLOBAL_EXPRESSIONS = [
  'branch',
  'tag',
  'sha',
  'base_ref',
  'is_default_branch',
  'is_not_default_branch',
  'date',
  'commit_date',
] as const;

/** Extra expressions in a semver/pep440 `pattern`. */
export const VERSION_EXPRESSIONS = ['version', 'major', 'minor', 'patch', 'raw'] as const;

const DATE_HELPERS = new Set(['date', 'commit_date']);

const TOKEN =
  /\s*(?:([A-Za-z_]\w*)=(?:'([^']*)'|"([^"]*)")|'([^']*)'|"([^"]*)"|([A-Za-z_]\w*)(?=\s|$)|([^\s'"=]+))/y;

function parseTemplate(source: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    if (open < 0) {
      segments.push(source.slice(pos));
      break;
    }
    if (open > pos) segments.push(source.slice(pos, open));
    const close = source.indexOf('}}', open + 2);
    if (close < 0) {
      throw new ExpressionError(`unclosed "{{" in ${quoted(source)}`, 'close the expression with "}}"');
    }
    segments.push(parseExpression(source.slice(open, close + 2)));
    pos = close + 2;
  }
  return segments;
}

function parseExpression(source: string): Expression {
  const body = source.slice(2, -2);
  const expression: Expression = { name: '', args: [], hash: {}, unquoted: [], source };
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.length && body.slice(TOKEN.lastIndex).trim() !== '') {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(body);
    const isName = at === 0 && m?.[6] !== undefined;
    if (!m || (at === 0) !== isName) {
      throw new ExpressionError(
        `cannot read ${source}`,
        "expected {{name}} or {{name 'argument' key='value'}}, e.g. {{date 'YYYYMMDD' tz='UTC'}}",
      );
    }
    if (isName) expression.name = m[6]!;
    else if (m[1] !== undefined) expression.hash[m[1]] = m[2] ?? m[3]!;
    else if (m[4] !== undefined || m[5] !== undefined) expression.args.push(m[4] ?? m[5]!);
    else expression.unquoted.push(m[6] ?? m[7]!);
  }
  if (expression.name === '') throw new ExpressionError(`empty expression ${source}`, 'expected {{name}}');
  return expression;
}

/**
 * Parse and check names, arguments and time zones against `names`. Throws ExpressionError where
 * metadata-action fails too (unreadable, an unknown date attribute); returns a warning for what it
 * accepts and renders anyway: an unknown name renders empty, a date without a (quoted) format is
 * ISO 8601, an unknown zone is UTC, arguments to a plain value are ignored.
 */
export function checkTemplate(source: string, names: readonly string[]): string[] {
  const warnings: string[] = [];
  for (const segment of parseTemplate(source)) {
    if (typeof segment === 'string') continue;
    const { name, args, hash, unquoted } = segment;
    if (!names.includes(name)) {
      const hint = didYouMean(name, names) ?? `expected one of ${names.map((n) => `{{${n}}}`).join(', ')}`;
      warnings.push(`unknown expression {{${name}}} renders empty (${hint})`);
      continue;
    }
    if (DATE_HELPERS.has(name)) {
      for (const [key, value] of Object.entries(hash)) {
        if (key !== 'tz') throw new ExpressionError(`{{${name}}} has no attribute ${key}`, "only tz='Zone'");
        if (!isTimeZone(value)) {
          warnings.push(`unknown time zone ${quoted(value)} in ${segment.source}: UTC is used`);
        }
      }
      if (args.length === 0) {
        const why = unquoted.length > 0 ? `the format ${unquoted[0]} is not quoted` : 'no format';
        warnings.push(
          `${segment.source}: ${why}, so the date is ISO 8601; write {{${name} '${unquoted[0] ?? 'YYYYMMDD'}'}}`,
        );
      }
    } else if (args.length > 0 || unquoted.length > 0 || Object.keys(hash).length > 0) {
      warnings.push(`{{${name}}} takes no arguments: ${segment.source} is read as {{${name}}}`);
    }
  }
  return warnings;
}

export function renderTemplate(source: string, values: TemplateValues): string {
  return parseTemplate(source)
    .map((segment) => {
      if (typeof segment === 'string') return segment;
      // Unknown names render empty, as Handlebars renders a missing variable (checkTemplate warns).
      const value = values[segment.name] ?? '';
      return typeof value === 'function' ? value(segment) : value;
    })
    .join('');
}

/** Whether `source` is exactly one `{{name}}` (metadata-action keeps `{{raw}}` for pre-releases). */
export function isSingleExpression(source: string, name: string): boolean {
  const segments = parseTemplate(source);
  const only = segments[0];
  return segments.length === 1 && typeof only !== 'string' && only?.name === name;
}
