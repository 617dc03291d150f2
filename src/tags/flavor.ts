/** The `flavor` input: `latest=auto|true|false`, `prefix=…[,onlatest=true]`, `suffix=…[,onlatest=true]`. */
import { TagRuleError, quoted } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import { checkTemplate, ExpressionError, GLOBAL_EXPRESSIONS } from './expressions.js';
import { FieldError, readLines, splitFields } from './fields.js';
import type { Flavor } from './types.js';

/** A TagRuleError whose message names the `flavor` input rather than `tags`. */
class FlavorRuleError extends TagRuleError {
  override name = 'FlavorRuleError';

  constructor(line: number, rule: string, problem: string, hint?: string) {
    super(line, rule, problem, hint);
    this.message = `flavor line ${line} (${quoted(rule)}): ${problem}`;
  }
}

const KEYS = ['latest', 'prefix', 'suffix', 'onlatest'];

export function parseFlavor(text: string): Flavor {
  const flavor: Flavor = { latest: 'auto', prefix: '', prefixLatest: false, suffix: '', suffixLatest: false };
  const warnings: string[] = [];
  for (const { line, text: entry } of readLines(text)) {
    const fail = (problem: string, hint?: string) => new FlavorRuleError(line, entry, problem, hint);
    let fields;
    try {
      fields = splitFields(entry);
    } catch (e) {
      if (e instanceof FieldError) throw fail(e.message, e.hint);
      throw e;
    }
    // `onlatest` applies to the prefix or suffix given just before it on the same line.
    let onLatestFor: 'prefix' | 'suffix' | undefined;
    for (const { key, value } of fields) {
      if (key === undefined) throw fail(`${quoted(value)} is not key=value`, 'e.g. latest=auto or prefix=v');
      switch (key) {
        case 'latest':
          if (value !== 'auto' && value !== 'true' && value !== 'false') {
            throw fail(`latest=${value} is not valid`, 'expected latest=auto, latest=true or latest=false');
          }
          flavor.latest = value;
          break;
        case 'prefix':
        case 'suffix':
          try {
            warnings.push(
              ...checkTemplate(value, GLOBAL_EXPRESSIONS).map((w) => `line ${line}: ${key}: ${w}`),
            );
          } catch (e) {
            if (e instanceof ExpressionError) throw fail(`${key}: ${e.message}`, e.hint);
            throw e;
          }
          flavor[key] = value;
          onLatestFor = key;
          break;
        case 'onlatest':
          if (value !== 'true' && value !== 'false') {
            throw fail(`onlatest=${value} is not valid`, 'expected onlatest=true or onlatest=false');
          }
          // metadata-action ignores an onlatest with nothing before it.
          if (onLatestFor)
            flavor[onLatestFor === 'prefix' ? 'prefixLatest' : 'suffixLatest'] = value === 'true';
          else
            warnings.push(
              `line ${line}: onlatest needs a prefix or suffix before it on the same line: ignored (e.g. suffix=-alpine,onlatest=true)`,
            );
          break;
        default:
          throw fail(
            `unknown flavor attribute ${key}`,
            didYouMean(key, KEYS) ?? `expected one of ${KEYS.join(', ')}`,
          );
      }
    }
  }
  return warnings.length > 0 ? { ...flavor, warnings } : flavor;
}
