import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../src/context/types.js';
import { TagRuleError } from '../../src/errors.js';
import { planTags, settleLatest } from '../../src/tags/engine.js';
import {
  BASE_SHA,
  HEAD_SHA,
  MERGE_SHA,
  NOW,
  pullRequest,
  pullRequestTarget,
  pushBranch,
  pushTag,
  release,
  request,
  schedule,
  SHA,
  SHORT,
  workflowDispatch,
} from './events.js';

interface Case {
  name: string;
  ctx: RunContext;
  rules?: string;
  flavor?: string;
  prHeadSha?: boolean;
  existingTags?: string[];
  tags: string[];
  /** Default: the first tag. */
  version?: string;
  /** `rule: reason` lines; checked when given. */
  notes?: string[];
  /** Fragments, one per expected warning; default none. */
  warnings?: string[];
}

function check(c: Case): void {
  const planned = planTags(
    c.ctx,
    request({ rules: c.rules ?? '', flavor: c.flavor ?? '', prHeadSha: c.prHeadSha ?? false }),
  );
  const plan = c.existingTags ? settleLatest(planned, c.existingTags) : planned;
  expect(plan.tags).toEqual(c.tags);
  expect(plan.version).toBe(c.version ?? c.tags[0] ?? '');
  expect(plan.labels['org.opencontainers.image.version']).toBe(plan.version || undefined);
  if (c.notes) expect(plan.notes.map((n) => `${n.rule}: ${n.reason}`)).toEqual(c.notes);
  const warnings = c.warnings ?? [];
  expect(plan.warnings).toHaveLength(warnings.length);
  warnings.forEach((fragment, i) => expect(plan.warnings[i]).toContain(fragment));
}

const NOT_SEMVER = '"1.2" is not a semver version (expected MAJOR.MINOR.PATCH, e.g. v1.2.3)';

// Empty `tags`: the ECR defaults.
const DEFAULTS: Case[] = [
  { name: 'push to the default branch: the full sha only', ctx: pushBranch('main'), tags: [SHA], notes: [] },
  {
    name: 'push to a feature branch: no branch tag',
    ctx: pushBranch('feature/Foo_Bar'),
    tags: [SHA],
    notes: [],
  },
  {
    name: 'tag v1.2.3: version, minor, major, sha, latest',
    ctx: pushTag('v1.2.3'),
    tags: ['1.2.3', '1.2', '1', SHA, 'latest'],
  },
  {
    name: 'tag v2.0.0-rc.1: pre-release collapses to the version, no latest',
    ctx: pushTag('v2.0.0-rc.1'),
    tags: ['2.0.0-rc.1', SHA],
  },
  {
    name: 'tag 1.2 is not semver: the sha only, and why',
    ctx: pushTag('1.2'),
    tags: [SHA],
    notes: [
      `default: type=semver,pattern={{version}}: ${NOT_SEMVER}`,
      `default: type=semver,pattern={{major}}.{{minor}}: ${NOT_SEMVER}`,
      `default: type=semver,pattern={{major}}: ${NOT_SEMVER}`,
    ],
  },
  {
    name: 'tag v0.4.1: no major tag for 0.x',
    ctx: pushTag('v0.4.1'),
    tags: ['0.4.1', '0.4', SHA, 'latest'],
    notes: ['default: type=semver,pattern={{major}}: major version 0 is unstable: no "0" tag'],
  },
  { name: 'pull_request: pr-N and the merge sha', ctx: pullRequest(7), tags: ['pr-7', MERGE_SHA], notes: [] },
  {
    name: 'pull_request with pr-head-sha: the head sha',
    ctx: pullRequest(7),
    prHeadSha: true,
    tags: ['pr-7', HEAD_SHA],
  },
  {
    name: 'pull_request_target: pr-N from the payload number',
    ctx: pullRequestTarget(7),
    tags: ['pr-7', BASE_SHA],
  },
  {
    name: 'release v1.2.3: like a tag push',
    ctx: release('v1.2.3'),
    tags: ['1.2.3', '1.2', '1', SHA, 'latest'],
  },
  { name: 'schedule: the sha', ctx: schedule(), tags: [SHA] },
  { name: 'workflow_dispatch: the sha', ctx: workflowDispatch(), tags: [SHA] },
  {
    name: 'flavor suffix reaches every default tag, not latest',
    ctx: pushTag('v1.2.3'),
    flavor: 'suffix=-alpine',
    tags: ['1.2.3-alpine', '1.2-alpine', '1-alpine', `${SHA}-alpine`, 'latest'],
  },
  {
    name: 'flavor prefix is kept on pr-N and the sha',
    ctx: pullRequest(7),
    flavor: 'prefix=slim-',
    tags: ['slim-pr-7', `slim-${MERGE_SHA}`],
  },
  { name: 'comments only count as empty', ctx: pushBranch('main'), rules: '# nothing yet\n', tags: [SHA] },
];

// The block most metadata-action workflows use: a workflow moving it over gets the same tags.
const STANDARD = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=pr',
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
  'type=sha',
].join('\n');

const METADATA_ACTION: Case[] = [
  {
    name: 'push main',
    ctx: pushBranch('main'),
    rules: STANDARD,
    tags: ['main', `sha-${SHORT}`],
    notes: [
      'type=schedule: event push is not schedule',
      'type=semver,pattern={{version}}: ref refs/heads/main is not a tag',
      'type=semver,pattern={{major}}.{{minor}}: ref refs/heads/main is not a tag',
      'type=semver,pattern={{major}}: ref refs/heads/main is not a tag',
      'type=ref,event=pr: event push is not a pull request',
    ],
  },
  {
    name: 'push feature/Foo_Bar: slash rewritten, uppercase kept',
    ctx: pushBranch('feature/Foo_Bar'),
    rules: STANDARD,
    tags: ['feature-Foo_Bar', `sha-${SHORT}`],
    warnings: ['tags line 2 (type=ref,event=branch): tag "feature/Foo_Bar" became "feature-Foo_Bar"'],
  },
  {
    name: 'tag v1.2.3',
    ctx: pushTag('v1.2.3'),
    rules: STANDARD,
    tags: ['1.2.3', '1.2', '1', `sha-${SHORT}`, 'latest'],
  },
  {
    name: 'tag v2.0.0-rc.1',
    ctx: pushTag('v2.0.0-rc.1'),
    rules: STANDARD,
    tags: ['2.0.0-rc.1', `sha-${SHORT}`],
  },
  {
    name: 'tag v0.4.1 keeps metadata-action`s 0 tag',
    ctx: pushTag('v0.4.1'),
    rules: STANDARD,
    tags: ['0.4.1', '0.4', '0', `sha-${SHORT}`, 'latest'],
  },
  { name: 'pull_request', ctx: pullRequest(7), rules: STANDARD, tags: ['pr-7', 'sha-3f5a9b2'] },
  {
    name: 'pull_request, head sha',
    ctx: pullRequest(7),
    rules: STANDARD,
    prHeadSha: true,
    tags: ['pr-7', 'sha-b7e2c91'],
  },
  {
    name: 'pull_request_target reads as refs/pull/N/merge',
    ctx: pullRequestTarget(7),
    rules: STANDARD,
    tags: ['pr-7', 'sha-d41d8cd'],
  },
  {
    name: 'schedule: nightly first',
    ctx: schedule(),
    rules: STANDARD,
    tags: ['nightly', 'main', `sha-${SHORT}`],
  },
  { name: 'workflow_dispatch', ctx: workflowDispatch(), rules: STANDARD, tags: ['main', `sha-${SHORT}`] },
  {
    name: 'release',
    ctx: release('v3.1.0'),
    rules: STANDARD,
    tags: ['3.1.0', '3.1', '3', `sha-${SHORT}`, 'latest'],
  },
];

const RULES: Case[] = [
  {
    name: 'semver {{raw}} keeps a pre-release as written',
    ctx: pushTag('v2.0.0-rc.1'),
    rules: 'type=semver,pattern={{raw}}',
    tags: ['v2.0.0-rc.1'],
  },
  {
    name: 'semver v{{major}}',
    ctx: pushTag('v1.2.3'),
    rules: 'type=semver,pattern=v{{major}}',
    tags: ['v1', 'latest'],
  },
  {
    name: 'semver pre-release: a pattern other than {{raw}} gives {{version}}',
    ctx: pushTag('v2.0.8-beta.67'),
    rules: 'type=semver,pattern=v{{major}}.{{minor}}',
    tags: ['2.0.8-beta.67'],
  },
  {
    name: 'semver value= on a branch',
    ctx: pushBranch('main'),
    rules: 'type=semver,pattern={{version}},value=v3.1.0',
    tags: ['3.1.0', 'latest'],
  },
  {
    name: 'semver match= strips a monorepo prefix',
    ctx: pushTag('app-v1.4.0'),
    rules:
      'type=semver,pattern={{version}},match=app-v(.*)\ntype=semver,pattern={{major}}.{{minor}},match=app-v(.*)',
    tags: ['1.4.0', '1.4', 'latest'],
  },
  {
    name: 'semver match= that does not match produces nothing',
    ctx: pushTag('lib-v1.0.0'),
    rules: 'type=semver,pattern={{version}},match=^app-v(.*)$',
    tags: [],
    notes: [
      'type=semver,pattern={{version}},match=^app-v(.*)$: match=^app-v(.*)$ does not match "lib-v1.0.0"',
    ],
  },
  {
    name: 'match p1-v1.0.0 group 1',
    ctx: pushTag('p1-v1.0.0'),
    rules: 'type=match,pattern=p1-v(\\d.\\d.\\d),group=1',
    tags: ['1.0.0', 'latest'],
  },
  {
    name: 'match group 0',
    ctx: pushTag('v1.2.3'),
    rules: 'type=match,pattern=\\d.\\d.\\d',
    tags: ['1.2.3', 'latest'],
  },
  {
    name: 'match /regex/flags form',
    ctx: pushTag('V12'),
    rules: 'type=match,pattern=/^v(\\d+)$/i,group=1',
    tags: ['12', 'latest'],
  },
  {
    name: 'match on a branch push says why',
    ctx: pushBranch('main'),
    rules: 'type=match,pattern=v(.*),group=1',
    tags: [],
    notes: ['type=match,pattern=v(.*),group=1: ref refs/heads/main is not a tag'],
  },
  {
    name: 'pep440 1.2.3a1: pre-release, version only',
    ctx: pushTag('1.2.3a1'),
    rules: 'type=pep440,pattern={{version}}\ntype=pep440,pattern={{major}}.{{minor}}',
    tags: ['1.2.3a1'],
  },
  {
    name: 'pep440 1.2.3: release',
    ctx: pushTag('1.2.3'),
    rules: 'type=pep440,pattern={{version}}\ntype=pep440,pattern={{major}}.{{minor}}',
    tags: ['1.2.3', '1.2', 'latest'],
  },
  {
    name: 'pep440 normalizes v1.2.3beta2',
    ctx: pushTag('v1.2.3beta2'),
    rules: 'type=pep440,pattern={{major}}.{{minor}}',
    tags: ['1.2.3b2'],
  },
  {
    name: 'pep440 post release',
    ctx: pushTag('1.2.3post1'),
    rules: 'type=pep440,pattern={{major}}.{{minor}}',
    tags: ['1.2.3.post1'],
  },
  {
    name: 'pep440 1.2 reads patch 0',
    ctx: pushTag('1.2'),
    rules: 'type=pep440,pattern={{major}}.{{minor}}.{{patch}}',
    tags: ['1.2.0', 'latest'],
  },
  { name: 'edge on the default branch', ctx: pushBranch('main'), rules: 'type=edge', tags: ['edge'] },
  {
    name: 'edge elsewhere says why',
    ctx: pushBranch('develop'),
    rules: 'type=edge',
    tags: [],
    notes: ['type=edge: branch develop is not main'],
  },
  {
    name: 'edge,branch=develop',
    ctx: pushBranch('develop'),
    rules: 'type=edge,branch=develop',
    tags: ['edge'],
  },
  {
    name: 'ref tag gets latest, pre-release or not (metadata-action)',
    ctx: pushTag('v2.0.0-rc.1'),
    rules: 'type=ref,event=tag',
    tags: ['v2.0.0-rc.1', 'latest'],
  },
  {
    name: 'raw latest on the default branch',
    ctx: pushBranch('main'),
    rules: 'type=raw,value=latest,enable={{is_default_branch}}',
    tags: ['latest'],
  },
  {
    name: 'raw latest elsewhere is disabled',
    ctx: pushBranch('develop'),
    rules: 'type=raw,value=latest,enable={{is_default_branch}}',
    tags: [],
    notes: [
      'type=raw,value=latest,enable={{is_default_branch}}: disabled (enable={{is_default_branch}} → false)',
    ],
  },
  {
    name: 'is_not_default_branch',
    ctx: pushBranch('develop'),
    rules: 'type=raw,value=dev,enable={{is_not_default_branch}}',
    tags: ['dev'],
  },
  {
    name: 'schedule counts as the default branch',
    ctx: schedule(),
    rules: 'type=raw,value=cron,enable={{is_default_branch}}',
    tags: ['cron'],
  },
  {
    name: 'raw with expressions',
    ctx: pushBranch('main'),
    rules: 'type=raw,value={{branch}}-{{sha}}',
    tags: [`main-${SHORT}`],
  },
  {
    name: 'bare values are raw',
    ctx: pushBranch('main'),
    rules: 'stable\ntype=raw,lts',
    tags: ['stable', 'lts'],
  },
  {
    name: 'CSV-quoted value keeps its comma (then sanitized)',
    ctx: pushBranch('main'),
    rules: 'type=raw,"value=a,b"',
    tags: ['a-b'],
    warnings: ['became "a-b"'],
  },
  {
    name: 'base_ref on a pull request',
    ctx: pullRequest(7),
    rules: 'type=raw,value=into-{{base_ref}}',
    tags: ['into-main'],
  },
  {
    name: 'tag expression',
    ctx: pushTag('v1.2.3'),
    rules: 'type=raw,value=build-{{tag}}',
    tags: ['build-v1.2.3'],
  },
  { name: 'sha long', ctx: pushBranch('main'), rules: 'type=sha,format=long', tags: [`sha-${SHA}`] },
  { name: 'sha without prefix', ctx: pushBranch('main'), rules: 'type=sha,prefix=', tags: [SHORT] },
  {
    name: 'sha prefixed by the branch',
    ctx: pushBranch('main'),
    rules: 'type=sha,prefix={{branch}}-',
    tags: [`main-${SHORT}`],
  },
  {
    name: '{{sha}} follows pr-head-sha',
    ctx: pullRequest(7),
    prHeadSha: true,
    rules: 'type=raw,value=c-{{sha}}',
    tags: ['c-b7e2c91'],
  },
  {
    name: 'priority reorders, and the first tag is the version',
    ctx: pushBranch('main'),
    rules: 'type=raw,value=low,priority=1\ntype=sha\ntype=raw,value=high,priority=5000',
    tags: ['high', `sha-${SHORT}`, 'low'],
  },
  {
    name: 'equal priorities keep input order',
    ctx: pushBranch('main'),
    rules: 'type=raw,value=b\ntype=raw,value=a',
    tags: ['b', 'a'],
  },
  {
    name: 'duplicates collapse',
    ctx: pushTag('v1.2.3'),
    rules: 'type=semver,pattern={{version}}\ntype=match,pattern=\\d.\\d.\\d',
    tags: ['1.2.3', 'latest'],
  },
  {
    name: 'schedule date pattern',
    ctx: schedule(),
    rules: "type=schedule,pattern={{date 'YYYYMMDD'}}",
    tags: ['20200110'],
  },
  {
    name: 'schedule date with a time zone',
    ctx: schedule(),
    rules: "type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}",
    tags: ['20200110-093000'],
  },
  {
    name: 'schedule date west of UTC is the day before',
    ctx: schedule(),
    rules: "type=schedule,pattern=nightly-{{date 'YYYY-MM-DD' tz='America/New_York'}}",
    tags: ['nightly-2020-01-09'],
  },
  {
    name: 'commit_date',
    ctx: pushBranch('main'),
    rules: "type=raw,value={{commit_date 'YYYYMMDD.HHmm'}}",
    tags: ['20200109.1804'],
  },
  {
    name: 'commit_date falls back to now',
    ctx: schedule(),
    rules: "type=raw,value={{commit_date 'YYYYMMDD'}}",
    tags: ['20200110'],
  },
];

const FLAVOR: Case[] = [
  {
    name: 'latest=false',
    ctx: pushTag('v1.2.3'),
    rules: 'type=semver,pattern={{version}}',
    flavor: 'latest=false',
    tags: ['1.2.3'],
  },
  {
    name: 'latest=true on a branch',
    ctx: pushBranch('main'),
    rules: 'type=ref,event=branch',
    flavor: 'latest=true',
    tags: ['main', 'latest'],
  },
  {
    name: 'latest=true on a pre-release',
    ctx: pushTag('v2.0.0-rc.1'),
    rules: 'type=semver,pattern={{version}}',
    flavor: 'latest=true',
    tags: ['2.0.0-rc.1', 'latest'],
  },
  {
    name: 'prefix, not on latest',
    ctx: pushTag('v1.2.3'),
    rules: 'type=semver,pattern={{version}}',
    flavor: 'prefix=v',
    tags: ['v1.2.3', 'latest'],
  },
  {
    name: 'suffix on latest too',
    ctx: pushTag('v1.2.3'),
    rules: 'type=semver,pattern={{version}}',
    flavor: 'suffix=-alpine,onlatest=true',
    tags: ['1.2.3-alpine', 'latest-alpine'],
  },
  {
    name: 'prefix on latest, suffix not',
    ctx: pushTag('v1.2.3'),
    rules: 'type=semver,pattern={{version}}',
    flavor: 'prefix=app-,onlatest=true\nsuffix=-slim',
    tags: ['app-1.2.3-slim', 'app-latest'],
  },
  {
    name: 'a rule prefix replaces the flavor prefix',
    ctx: pushTag('v1.2.3'),
    rules: 'type=semver,pattern={{version}},prefix=v',
    flavor: 'prefix=x-',
    tags: ['v1.2.3', 'latest'],
  },
  {
    name: 'sha keeps sha- over the flavor prefix, takes the suffix',
    ctx: pushBranch('main'),
    rules: 'type=sha',
    flavor: 'prefix=x-\nsuffix=-alpine',
    tags: [`sha-${SHORT}-alpine`],
  },
];

FLAVOR.push({
  name: 'a flavor suffix with invalid characters is rewritten on latest too',
  ctx: pushTag('v1.2.3'),
  rules: 'type=semver,pattern={{version}}',
  flavor: 'suffix=/x,onlatest=true',
  tags: ['1.2.3-x', 'latest-x'],
  warnings: ['became "1.2.3-x"', 'flavor: tag "latest/x" became "latest-x"'],
});

const LATEST: Case[] = [
  {
    name: 'withheld when 3.0.0 exists and we tag 2.5.0',
    ctx: pushTag('v2.5.0'),
    existingTags: ['2.4.0', '3.0.0', 'latest', SHA],
    tags: ['2.5.0', '2.5', '2', SHA],
    warnings: ['latest withheld: the repository already has 3.0.0, newer than 2.5.0; set flavor latest=true'],
  },
  {
    name: 'kept when only older releases exist',
    ctx: pushTag('v2.5.0'),
    existingTags: ['2.4.0', '1.0.0'],
    tags: ['2.5.0', '2.5', '2', SHA, 'latest'],
  },
  {
    name: 'a newer pre-release does not count',
    ctx: pushTag('v2.5.0'),
    existingTags: ['3.0.0-rc.1'],
    tags: ['2.5.0', '2.5', '2', SHA, 'latest'],
  },
  { name: 'unknown existing tags: kept', ctx: pushTag('v2.5.0'), tags: ['2.5.0', '2.5', '2', SHA, 'latest'] },
  {
    name: 'latest=true forces it',
    ctx: pushTag('v2.5.0'),
    flavor: 'latest=true',
    existingTags: ['3.0.0'],
    tags: ['2.5.0', '2.5', '2', SHA, 'latest'],
  },
  {
    name: 'existing tags are read through the flavor suffix',
    ctx: pushTag('v2.5.0'),
    rules: 'type=semver,pattern={{version}}',
    flavor: 'suffix=-alpine',
    existingTags: ['3.0.0-alpine'],
    tags: ['2.5.0-alpine'],
    warnings: ['already has 3.0.0-alpine'],
  },
  {
    name: "another flavor's newer tag does not count",
    ctx: pushTag('v2.5.0'),
    rules: 'type=semver,pattern={{version}}',
    flavor: 'suffix=-alpine',
    existingTags: ['3.0.0', '3.0.0-slim'],
    tags: ['2.5.0-alpine', 'latest'],
  },
  {
    name: 'ref,event=tag is checked too',
    ctx: pushTag('v2.5.0'),
    rules: 'type=ref,event=tag',
    existingTags: ['v3.0.0'],
    tags: ['v2.5.0'],
    warnings: ['already has v3.0.0'],
  },
  {
    name: 'pep440 versions compare as PEP 440',
    ctx: pushTag('2.5'),
    rules: 'type=pep440,pattern={{version}}',
    existingTags: ['2.10', '2.4.1'],
    tags: ['2.5'],
    warnings: ['already has 2.10'],
  },
];

const LONG = 'x'.repeat(150);

const VALIDITY: Case[] = [
  {
    name: 'uppercase is a valid tag',
    ctx: pushBranch('main'),
    rules: 'type=raw,value=MyTag',
    tags: ['MyTag'],
  },
  {
    name: 'invalid characters',
    ctx: pushBranch('main'),
    rules: 'type=raw,value=foo bar!baz',
    tags: ['foo-bar-baz'],
    warnings: ['tags line 1 (type=raw,value=foo bar!baz): tag "foo bar!baz" became "foo-bar-baz"'],
  },
  {
    name: 'leading dot',
    ctx: pushBranch('main'),
    rules: 'type=raw,value=.hidden',
    tags: ['hidden'],
    warnings: ['leading "." or "-" removed'],
  },
  {
    name: 'a dash-led branch name',
    ctx: pushBranch('-wip'),
    rules: 'type=ref,event=branch',
    tags: ['wip'],
    warnings: ['became "wip"'],
  },
  {
    name: 'over-long tags are shortened, distinct, one warning each',
    ctx: pushBranch('main'),
    rules: `type=raw,value=${LONG}a\ntype=raw,value=${LONG}b`,
    tags: [`${'x'.repeat(119)}-ecfaf871`, `${'x'.repeat(119)}-c56670be`],
    warnings: ['shortened to 128 characters', 'shortened to 128 characters'],
  },
  {
    name: 'nothing valid left',
    ctx: pushBranch('main'),
    rules: 'type=raw,value=///',
    tags: [],
    notes: ['type=raw,value=///: "///" has no valid tag characters'],
  },
  {
    name: 'the same rewrite from two rules warns once',
    ctx: pushBranch('feat/x'),
    rules: 'type=ref,event=branch\ntype=raw,value={{branch}}',
    tags: ['feat-x'],
    warnings: ['tags line 1'],
  },
];

describe('planTags', () => {
  describe('ECR defaults', () => it.each(DEFAULTS)('$name', check));
  describe('metadata-action rules', () => it.each(METADATA_ACTION)('$name', check));
  describe('rule types', () => it.each(RULES)('$name', check));
  describe('flavor', () => it.each(FLAVOR)('$name', check));
  describe('latest never moves backwards', () => it.each(LATEST)('$name', check));
  describe('every tag is a valid reference tag', () => {
    it.each(VALIDITY)('$name', check);

    it('every produced tag matches the reference grammar', () => {
      const plan = planTags(
        pushBranch('Ünïcode/..//Feature#1'),
        request({ rules: `type=ref,event=branch\ntype=raw,value=-${LONG}\ntype=sha,suffix=/x` }),
      );
      expect(plan.tags).toHaveLength(3);
      for (const tag of plan.tags) expect(tag).toMatch(/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/);
    });
  });

  it('warns when pr-head-sha is asked for but the event has no head sha', () => {
    const plan = planTags(pullRequest(7, { prHeadSha: undefined }), request({ prHeadSha: true }));
    expect(plan.tags).toEqual(['pr-7', MERGE_SHA]);
    expect(plan.warnings).toEqual([
      `pr-head-sha: the pull_request event has no pull request head sha; tagging ${MERGE_SHA}`,
    ]);
  });

  it('an enable expression that renders neither true nor false fails with the line', () => {
    const run = () =>
      planTags(pushBranch('main'), request({ rules: 'type=sha\ntype=raw,value=x,enable={{branch}}' }));
    expect(run).toThrow(TagRuleError);
    expect(run).toThrow(
      'tags line 2 ("type=raw,value=x,enable={{branch}}"): enable={{branch}} rendered "main"',
    );
  });

  it('is pure: the same input gives the same plan, timed by ctx.now', () => {
    const req = request({ rules: "type=raw,value={{date 'YYYYMMDDHHmmss'}}" });
    const a = planTags(pushBranch('main'), req);
    const b = planTags(pushBranch('main'), req);
    expect(a).toEqual(b);
    expect(a.tags).toEqual(['20200110003000']);
    expect(a.labels['org.opencontainers.image.created']).toBe(NOW.toISOString());
  });

  it('has no tags and an empty version when no rule fires', () => {
    const plan = planTags(
      pushBranch('main'),
      request({ rules: 'type=semver,pattern={{version}}', flavor: 'latest=true' }),
    );
    expect(plan).toMatchObject({ tags: [], version: '' });
    expect(plan.notes).toEqual([
      { rule: 'type=semver,pattern={{version}}', reason: 'ref refs/heads/main is not a tag' },
    ]);
  });
});
