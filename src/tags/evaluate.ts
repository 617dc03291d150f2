/** One rule against the run: the value it produces (before sanitizing), or why it produces none. */
import { quoted, TagRuleError } from '../errors.js';
import { boundedMatch, MatchTimeoutError } from './bounded-match.js';
import { isSingleExpression, renderTemplate, type TemplateValues } from './expressions.js';
import type { VersionRef } from './latest.js';
import { readPep440 } from './pep440.js';
import { compileMatchPattern } from './rules.js';
import { branchOf, pullRequestOf, SHORT_SHA_LENGTH, tagOf, type RunFacts } from './run.js';
import { readSemver } from './semver.js';
import type { Flavor, TagRule } from './types.js';

type Outcome =
  | {
      kind: 'skip';
      reason: string;
      /** The rule simply does not apply to this kind of event (not worth a note for defaults). */
      expected: boolean;
    }
  | {
      kind: 'tag';
      value: string;
      /** metadata-action's `latest=auto` answer for this rule. */
      latest: boolean;
      /** The version tagged, for the `latest` never-backwards check. */
      version?: VersionRef;
    };

const skip = (reason: string, expected = false): Outcome => ({ kind: 'skip', reason, expected });

export function evaluateRule(
  rule: TagRule,
  facts: RunFacts,
  globals: TemplateValues,
  flavor: Flavor,
): Outcome {
  const render = (source: string) => renderTemplate(source, globals);
  // An explicit prefix/suffix attribute replaces the flavor's, as in metadata-action.
  const tag = (value: string, latest: boolean, version?: VersionRef): Outcome =>
    value === ''
      ? skip('its value is empty')
      : {
          kind: 'tag',
          value: `${render(rule.prefix ?? flavor.prefix)}${value}${render(rule.suffix ?? flavor.suffix)}`,
          latest,
          ...(version ? { version } : {}),
        };
  const match = (value: string, pattern: string, attribute: string) => {
    try {
      return boundedMatch(value, compileMatchPattern(pattern));
    } catch (err) {
      if (!(err instanceof MatchTimeoutError)) throw err;
      throw new TagRuleError(
        rule.line,
        rule.text,
        `${attribute}=${pattern} ${err.message} on ${quoted(value)} (nested repetition backtracks exponentially)`,
        'simplify the pattern: avoid a repeated group that repeats, such as (a+)+ or (\\w|\\d)*; e.g. v(\\d+)\\.(\\d+)',
      );
    }
  };
  const gitTag = tagOf(facts.ref);
  const branch = branchOf(facts.ref);
  const notATag = () => skip(`ref ${facts.ref || '(none)'} is not a tag`, true);

  switch (rule.type) {
    case 'schedule':
      if (!facts.eventName.includes('schedule'))
        return skip(`event ${facts.eventName} is not schedule`, true);
      return tag(render(rule.pattern), false);

    case 'semver':
    case 'pep440': {
      if (gitTag === undefined && rule.value === '') return notATag();
      let raw = rule.value !== '' ? render(rule.value) : gitTag!;
      if (rule.match !== '') {
        const m = match(raw, rule.match, 'match');
        // metadata-action goes on with the unmatched text; a tag the rule does not match is not for it.
        if (!m) return skip(`match=${rule.match} does not match ${quoted(raw)}`);
        raw = m[1] ?? '';
      }
      raw = raw.replace(/\//g, '-');
      const v = rule.type === 'semver' ? readSemver(raw) : readPep440(raw);
      if (!v) {
        return skip(
          rule.type === 'semver'
            ? `${quoted(raw)} is not a semver version (expected MAJOR.MINOR.PATCH, e.g. v1.2.3)`
            : `${quoted(raw)} is not a PEP 440 version (e.g. 1.2.3, 1.2.3rc1)`,
        );
      }
      const version: VersionRef = { scheme: rule.type, text: v.version };
      // Pre-releases only ever get {{version}} (or {{raw}} when that is the whole pattern).
      if (v.unstable) return tag(isSingleExpression(rule.pattern, 'raw') ? v.raw : v.version, false, version);
      if (rule.type === 'semver' && rule.skipZeroMajor && v.major === 0) {
        return skip(`major version 0 is unstable: no ${quoted('0')} tag`);
      }
      const value = renderTemplate(rule.pattern, {
        ...globals,
        raw: v.raw,
        version: v.version,
        major: String(v.major),
        minor: String(v.minor),
        patch: String(v.patch),
      });
      return tag(value, true, version);
    }

    case 'match': {
      if (gitTag === undefined && rule.value === '') return notATag();
      const raw = rule.value !== '' ? render(rule.value) : gitTag!;
      const m = match(raw, rule.pattern, 'pattern');
      if (!m) return skip(`pattern ${rule.pattern} does not match ${quoted(raw)}`);
      const value = m[rule.group];
      if (value === undefined)
        return skip(`group ${rule.group} of ${rule.pattern} matched nothing in ${quoted(raw)}`);
      return tag(value, true, { scheme: 'semver', text: value });
    }

    case 'edge': {
      if (branch === undefined) return skip(`ref ${facts.ref || '(none)'} is not a branch`, true);
      const edgeBranch = rule.branch || facts.defaultBranch;
      if (!edgeBranch) return skip('the default branch is unknown: name it with branch=');
      if (branch !== edgeBranch) return skip(`branch ${branch} is not ${edgeBranch}`, true);
      return tag('edge', false);
    }

    case 'ref': {
      if (rule.event === 'branch') {
        if (branch === undefined) return skip(`ref ${facts.ref || '(none)'} is not a branch`, true);
        return tag(branch, false);
      }
      if (rule.event === 'tag') {
        if (gitTag === undefined) return notATag();
        return tag(gitTag, true, { scheme: 'semver', text: gitTag });
      }
      const pr = pullRequestOf(facts);
      if (pr === undefined) return skip(`event ${facts.eventName} is not a pull request`, true);
      return tag(pr, false);
    }

    case 'raw':
      return tag(render(rule.value), false);

    case 'sha':
      if (!facts.sha) return skip('the commit sha is unknown');
      return tag(rule.format === 'short' ? facts.sha.slice(0, SHORT_SHA_LENGTH) : facts.sha, false);
  }
}
