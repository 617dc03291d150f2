/**
 * The `tags` input in docker/metadata-action's rule language, parsed and checked up front so a
 * bad rule fails with its line before any AWS or Docker call.
 */
import { TagRuleError, quoted } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import { checkTemplate, ExpressionError, GLOBAL_EXPRESSIONS, VERSION_EXPRESSIONS } from './expressions.js';
import { FieldError, readLines, splitFields } from './fields.js';
import { isReferenceLine, readReferences, type TagReference } from './references.js';
import type { TagRule, TagRuleType } from './types.js';

export { parseFlavor } from './flavor.js';

const RULE_TYPES: readonly TagRuleType[] = [
  'schedule',
  'semver',
  'pep440',
  'match',
  'edge',
  'ref',
  'raw',
  'sha',
];

export const DEFAULT_PRIORITY: Record<TagRuleType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

const COMMON_ATTRIBUTES = ['type', 'enable', 'priority', 'prefix', 'suffix'];
const TYPE_ATTRIBUTES: Record<TagRuleType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format'],
};
const EXAMPLES: Record<TagRuleType, string> = {
  schedule: "type=schedule,pattern={{date 'YYYYMMDD'}}",
  semver: 'type=semver,pattern={{version}}',
  pep440: 'type=pep440,pattern={{version}}',
  match: 'type=match,pattern=v(\\d+\\.\\d+),group=1',
  edge: 'type=edge,branch=main',
  ref: 'type=ref,event=branch',
  raw: 'type=raw,value=stable',
  sha: 'type=sha,format=long',
};

/** Parse the rules, in input order (the engine sorts by priority). Throws TagRuleError. */
export function parseTagRules(text: string): TagRule[] {
  return readLines(text).flatMap(({ line, text: rule }) =>
    isReferenceLine(rule) ? readReferences(line, rule).map(referenceRule) : [parseRule(line, rule)],
  );
}

/** A build-push-action reference gives exactly its tag: no flavor prefix or suffix, never `latest`. */
function referenceRule(reference: TagReference): TagRule {
  return {
    line: reference.line,
    text: reference.text,
    enable: 'true',
    priority: DEFAULT_PRIORITY.raw,
    prefix: '',
    suffix: '',
    type: 'raw',
    value: reference.tag,
    reference,
  };
}

/**
 * A `type=match` pattern: `/regex/flags` or a bare regex (metadata-action's two forms).
 * Throws SyntaxError for an invalid one.
 */
export function compileMatchPattern(pattern: string): RegExp {
  const literal = /^\/(.+)\/(.*)$/.exec(pattern);
  return literal ? new RegExp(literal[1]!, literal[2]) : new RegExp(pattern);
}

function captureGroups(re: RegExp): number {
  return new RegExp(`${re.source}|`).exec('')!.length - 1;
}

function parseRule(line: number, text: string): TagRule {
  const fail = (problem: string, hint?: string) => new TagRuleError(line, text, problem, hint);
  let fields;
  try {
    fields = splitFields(text);
  } catch (e) {
    if (e instanceof FieldError) throw fail(e.message, e.hint);
    throw e;
  }

  const attrs = new Map<string, string>();
  let type: TagRuleType = 'raw';
  for (const { key, value } of fields) {
    if (key === 'type') {
      if (!RULE_TYPES.includes(value as TagRuleType)) {
        throw fail(
          `unknown type ${quoted(value)}`,
          didYouMean(value, RULE_TYPES) ?? `expected one of ${RULE_TYPES.join(', ')}`,
        );
      }
      type = value as TagRuleType;
    } else {
      // A field without `=` is the value, as in metadata-action (`type=raw,foo` or just `foo`).
      attrs.set(key ?? 'value', value);
    }
  }

  // metadata-action ignores attributes it does not know: so do we, with a warning.
  const warnings: string[] = [];
  const ignored: string[] = [];
  const allowed = [...COMMON_ATTRIBUTES, ...TYPE_ATTRIBUTES[type]];
  for (const key of [...attrs.keys()]) {
    if (allowed.includes(key)) continue;
    ignored.push(key);
    const known = Object.values(TYPE_ATTRIBUTES).some((list) => list.includes(key));
    const hint =
      (known ? undefined : didYouMean(key, allowed)) ?? `type=${type} takes ${allowed.slice(1).join(', ')}`;
    warnings.push(
      `${known ? `attribute ${key} does not apply to type=${type}` : `unknown attribute ${key}`}: ignored (${hint})`,
    );
    attrs.delete(key);
  }

  const template = (attribute: string, names: readonly string[] = GLOBAL_EXPRESSIONS): string | undefined => {
    const source = attrs.get(attribute);
    if (source === undefined) return undefined;
    try {
      warnings.push(...checkTemplate(source, names).map((w) => `${attribute}: ${w}`));
    } catch (e) {
      if (e instanceof ExpressionError) throw fail(`${attribute}: ${e.message}`, e.hint);
      throw e;
    }
    return source;
  };
  // metadata-action only asks that the attribute exists: `value=` (an empty expression) is valid
  // and simply yields no tag.
  const required = (attribute: string): string => {
    const value = attrs.get(attribute);
    if (value !== undefined) return value;
    const typo = ignored.find((key) => didYouMean(key, [attribute]) !== undefined);
    throw fail(
      `type=${type} needs ${attribute}=`,
      typo !== undefined
        ? `"${typo}=" is not an attribute: did you mean ${attribute}=? e.g. ${EXAMPLES[type]}`
        : `e.g. ${EXAMPLES[type]}`,
    );
  };

  const enable = template('enable') ?? 'true';
  if (!enable.includes('{{') && enable !== 'true' && enable !== 'false') {
    throw fail(
      `enable=${enable} is not valid`,
      'expected enable=true, enable=false or an expression such as {{is_default_branch}}',
    );
  }
  let priority = DEFAULT_PRIORITY[type];
  const priorityText = attrs.get('priority');
  if (priorityText !== undefined) {
    if (/^[+-]?\d+$/.test(priorityText)) priority = Number(priorityText);
    else warnings.push(`priority=${priorityText} is not an integer: the default ${priority} is used`);
  }
  const base = {
    line,
    text,
    enable,
    priority,
    prefix: template('prefix'),
    suffix: template('suffix'),
  };
  const rule = typedRule();
  return warnings.length > 0 ? { ...rule, warnings } : rule;

  function typedRule(): TagRule {
    switch (type) {
      case 'schedule':
        return { ...base, type, pattern: template('pattern') ?? 'nightly' };
      case 'semver':
      case 'pep440': {
        required('pattern');
        const match = attrs.get('match') ?? '';
        if (match !== '') {
          const re = compileRegex('match', match, fail);
          if (captureGroups(re) < 1) {
            throw fail(
              `match=${match} has no capture group`,
              'the version is capture group 1, e.g. match=app-v(.*)',
            );
          }
        }
        return {
          ...base,
          type,
          pattern: template('pattern', [...GLOBAL_EXPRESSIONS, ...VERSION_EXPRESSIONS])!,
          value: template('value') ?? '',
          match,
        };
      }
      case 'match': {
        const pattern = required('pattern');
        const re = compileRegex('pattern', pattern, fail);
        const groupText = attrs.get('group') ?? '0';
        if (!/^\d+$/.test(groupText)) throw fail(`group=${groupText} is not a number`, 'e.g. group=1');
        const group = Number(groupText);
        // metadata-action yields nothing for a group the pattern lacks (a /…/g pattern indexes matches).
        if (group > captureGroups(re) && !re.global) {
          warnings.push(
            `group=${group} but the pattern has ${captureGroups(re)} capture group(s): the rule yields nothing (group 0 is the whole match)`,
          );
        }
        return { ...base, type, pattern, group, value: template('value') ?? '' };
      }
      case 'edge':
        return { ...base, type, branch: attrs.get('branch') ?? '' };
      case 'ref': {
        const event = required('event');
        if (event !== 'branch' && event !== 'tag' && event !== 'pr') {
          throw fail(
            `event=${event} is not valid`,
            didYouMean(event, ['branch', 'tag', 'pr']) ?? 'expected branch, tag or pr',
          );
        }
        return { ...base, type, event, prefix: base.prefix ?? (event === 'pr' ? 'pr-' : undefined) };
      }
      case 'raw':
        required('value');
        return { ...base, type, value: template('value')! };
      case 'sha': {
        const format = attrs.get('format') ?? 'short';
        if (format !== 'short' && format !== 'long') {
          throw fail(`format=${format} is not valid`, 'expected format=short (7 characters) or format=long');
        }
        return { ...base, type, format, prefix: base.prefix ?? 'sha-' };
      }
    }
  }
}

function compileRegex(
  attribute: string,
  source: string,
  fail: (problem: string, hint?: string) => TagRuleError,
): RegExp {
  try {
    return compileMatchPattern(source);
  } catch (e) {
    throw fail(
      `${attribute}=${source} is not a valid regular expression (${(e as Error).message})`,
      'e.g. v(\\d+\\.\\d+\\.\\d+)',
    );
  }
}
