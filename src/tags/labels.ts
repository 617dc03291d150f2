/** OCI `org.opencontainers.image.*` labels and annotations from the run, plus the user's. */
import { repositoryName } from '../context/repository-name.js';
import type { RunContext } from '../context/types.js';
import { InputError } from '../errors.js';
import type { KeyValue } from '../types/key-value.js';
import {
  checkTemplate,
  ExpressionError,
  GLOBAL_EXPRESSIONS,
  renderTemplate,
  type TemplateValues,
} from './expressions.js';

const OCI = 'org.opencontainers.image';

/** The defaults, from the event payload only (no API call); empty values are left out. */
export function ociDefaults(ctx: RunContext, version: string, revision: string): Record<string, string> {
  const url =
    ctx.repo?.htmlUrl || (ctx.repository ? `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repository}` : '');
  const entries: [string, string | undefined][] = [
    ['title', ctx.repo?.name || repositoryName(ctx)],
    ['description', ctx.repo?.description],
    ['url', url],
    ['source', url],
    ['version', version],
    ['created', ctx.now.toISOString()],
    ['revision', revision],
    ['licenses', ctx.repo?.license],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v).map(([k, v]) => [`${OCI}.${k}`, v!]));
}

/**
 * Defaults overridden by the user's entries, whose values may use the global expressions
 * (`{{commit_date 'YYYY-MM-DDTHH:mm:ssZ'}}`), sorted by key as metadata-action sorts them.
 * What metadata-action renders anyway (an unknown name renders empty) goes to `warnings`.
 */
export function withUserEntries(
  defaults: Record<string, string>,
  user: readonly KeyValue[],
  input: 'labels' | 'annotations',
  globals: TemplateValues,
  warnings: string[],
): Record<string, string> {
  const merged = new Map(Object.entries(defaults));
  for (const { key, value } of user) {
    try {
      warnings.push(...checkTemplate(value, GLOBAL_EXPRESSIONS).map((w) => `${input} ${key}: ${w}`));
    } catch (e) {
      if (e instanceof ExpressionError) {
        throw new InputError(
          input,
          `${key}=${value}`,
          `a value whose {{…}} expressions are known (${e.message})`,
          e.hint,
        );
      }
      throw e;
    }
    merged.set(key, renderTemplate(value, globals));
  }
  return Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
