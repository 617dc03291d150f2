/**
 * The tag engine: run context + rules in, tags + version + labels out. Pure: no I/O, and the
 * time is `ctx.now`. Follows docker/metadata-action (priority order, first value is the version,
 * `latest=auto` decided by the first rule that produced a value) and fixes its known gaps: every
 * tag is a valid reference, `latest` never moves backwards, idle rules say why.
 */
import type { RunContext } from '../context/types.js';
import { TagRuleError, quoted, shortened } from '../errors.js';
import { defaultRules } from './defaults.js';
import { evaluateRule } from './evaluate.js';
import { renderTemplate, type TemplateValues } from './expressions.js';
import { newerRelease, type VersionRef } from './latest.js';
import { ociDefaults, withUserEntries } from './labels.js';
import { globalValues, runFacts } from './run.js';
import { sanitizeTag } from './sanitize.js';
import type { LatestGuard, TagPlan, TagRequest, TagRule } from './types.js';

/** The one run of the rules for this event. Existing tags, once read, only settle `latest` (settleLatest). */
export function planTags(ctx: RunContext, req: TagRequest): TagPlan {
  const { flavor } = req;
  const rules = req.rules.length > 0 ? req.rules : defaultRules(flavor);
  const { facts, warning } = runFacts(ctx, req.prHeadSha);
  const globals = globalValues(facts);
  const warnings: string[] = [
    ...(warning ? [warning] : []),
    ...(flavor.warnings ?? []).map((w) => `flavor ${w}`),
    ...req.rules.flatMap((rule) => (rule.warnings ?? []).map((w) => `${ruleName(rule)}: ${w}`)),
  ];
  const notes: TagPlan['notes'] = [];

  const tags: string[] = [];
  // The sha rule's tag, long form first: reuse finds the commit's image by it.
  let commit: { tag: string; long: boolean } | undefined;
  let decider: { rule: TagRule; latest: boolean; version?: VersionRef } | undefined;
  // Array.prototype.sort is stable: equal priorities keep their input order, as in metadata-action.
  for (const rule of [...rules].sort((a, b) => b.priority - a.priority)) {
    const enabled = isEnabled(rule, globals);
    if (enabled !== true) {
      notes.push({ rule: rule.text, reason: `disabled (enable=${enabled})` });
      continue;
    }
    const outcome = evaluateRule(rule, facts, globals, flavor);
    if (outcome.kind === 'skip') {
      if (rule.line > 0 || !outcome.expected) notes.push({ rule: rule.text, reason: outcome.reason });
      continue;
    }
    const { tag, changes } = sanitizeTag(outcome.value);
    if (tag === '') {
      notes.push({ rule: rule.text, reason: `${quoted(outcome.value)} has no valid tag characters` });
      continue;
    }
    if (rule.type === 'sha' && (commit === undefined || (!commit.long && rule.format === 'long'))) {
      commit = { tag, long: rule.format === 'long' };
    }
    if (!tags.includes(tag)) {
      tags.push(tag);
      if (changes.length > 0) {
        warnings.push(
          `${ruleName(rule)}: tag ${quoted(outcome.value)} became ${quoted(tag)} (${changes.join('; ')})`,
        );
      }
    }
    decider ??= { rule, latest: outcome.latest, ...(outcome.version ? { version: outcome.version } : {}) };
  }

  const latest =
    decider !== undefined && (flavor.latest === 'true' || (flavor.latest === 'auto' && decider.latest));
  const prefix = renderTemplate(flavor.prefix, globals);
  const suffix = renderTemplate(flavor.suffix, globals);
  const latestValue = `${flavor.prefixLatest ? prefix : ''}latest${flavor.suffixLatest ? suffix : ''}`;
  const { tag: latestTag, changes: latestChanges } = sanitizeTag(latestValue);
  let latestGuard: LatestGuard | undefined;
  if (latest && !tags.includes(latestTag)) {
    tags.push(latestTag);
    const warning =
      latestChanges.length > 0
        ? `flavor: tag ${quoted(latestValue)} became ${quoted(latestTag)} (${latestChanges.join('; ')})`
        : undefined;
    if (warning) warnings.push(warning);
    if (flavor.latest === 'auto' && decider?.version) {
      const rule = ruleName(decider.rule);
      latestGuard = {
        tag: latestTag,
        version: decider.version,
        prefix,
        suffix,
        rule,
        ...(warning ? { warning } : {}),
      };
    }
  }

  const version = tags[0] ?? '';
  const defaults = ociDefaults(ctx, version, facts.sha);
  return {
    tags,
    version,
    labels: withUserEntries(defaults, req.labels, 'labels', globals, warnings),
    annotations: withUserEntries(defaults, req.annotations, 'annotations', globals, []),
    userAnnotations: withUserEntries({}, req.annotations, 'annotations', globals, warnings),
    warnings,
    notes,
    ...(commit ? { commitTag: commit.tag } : {}),
    references: req.rules.flatMap((rule) => (rule.type === 'raw' && rule.reference ? [rule.reference] : [])),
    ...(latestGuard ? { latestGuard } : {}),
  };
}

/**
 * The plan once the repository's tags are known: a `latest` that latest=auto added is withheld
 * when the repository already has a newer release. Pure; the plan is returned as it is otherwise.
 */
export function settleLatest(plan: TagPlan, existingTags: readonly string[]): TagPlan {
  const guard = plan.latestGuard;
  if (!guard) return plan;
  const newer = newerRelease(guard.version, existingTags, guard.prefix, guard.suffix);
  if (newer === undefined) return plan;
  return {
    ...plan,
    tags: plan.tags.filter((tag) => tag !== guard.tag),
    warnings: [
      ...plan.warnings.filter((w) => w !== guard.warning),
      `${guard.rule}: latest withheld: the repository already has ${newer}, newer than ${guard.version.text}; set flavor latest=true to move it anyway`,
    ],
    latestGuard: undefined,
  };
}

/** true, or the text `enable` rendered to when it is false. */
function isEnabled(rule: TagRule, globals: TemplateValues): true | string {
  const rendered = renderTemplate(rule.enable, globals);
  if (rendered !== 'true' && rendered !== 'false') {
    throw new TagRuleError(
      rule.line,
      rule.text,
      `enable=${rule.enable} rendered ${quoted(rendered)}`,
      'expected true or false, e.g. enable={{is_default_branch}}',
    );
  }
  if (rendered === 'true') return true;
  return rendered === rule.enable ? rendered : `${rule.enable} → false`;
}

function ruleName(rule: TagRule): string {
  return rule.line > 0 ? `tags line ${rule.line} (${shortened(rule.text)})` : shortened(rule.text);
}
