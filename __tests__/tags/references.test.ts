import { describe, expect, it } from 'vitest';
import { ActionError, TagRuleError } from '../../src/errors.js';
import { planTags } from '../../src/tags/engine.js';
import { checkTagReferences, isReferenceLine, readReferences } from '../../src/tags/references.js';
import { pushBranch, pushTag, request, SHA } from './events.js';

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const TARGET = { uri: `${HOST}/app`, repository: 'app' };
const EXTRA = { uri: '210987654321.dkr.ecr.us-east-1.amazonaws.com/app', repository: 'app' };

describe('full references in tags (build-push-action)', () => {
  it.each([
    [`${HOST}/app:v1`, true],
    [`${HOST}/app:v1,${HOST}/app:latest`, true],
    ['app:v1', true],
    ['ghcr.io/acme/app', true],
    ['type=raw,value=v1', false],
    ['v1', false],
    ['{{branch}}', false],
    ['type=match,pattern=v(\\d+):x', false],
    ['"unclosed', false],
  ])('%s is a reference line: %s', (line, expected) => {
    expect(isReferenceLine(line)).toBe(expected);
  });

  it.each([
    [`${HOST}/app:v1`, [{ name: `${HOST}/app`, tag: 'v1' }]],
    [`${HOST.toUpperCase()}/team/app:1.2.3`, [{ name: `${HOST}/team/app`, tag: '1.2.3' }]],
    [`${HOST}/app`, [{ name: `${HOST}/app`, tag: 'latest' }]],
    ['localhost:5000/app:dev', [{ name: 'localhost:5000/app', tag: 'dev' }]],
    ['acme/app:v1', [{ name: 'acme/app', tag: 'v1' }]],
    [
      'app:v1 , app:v2',
      [
        { name: 'app', tag: 'v1' },
        { name: 'app', tag: 'v2' },
      ],
    ],
    ['public.ecr.aws/acme/app:edge', [{ name: 'public.ecr.aws/acme/app', tag: 'edge' }]],
  ])('reads %s', (text, expected) => {
    expect(readReferences(3, text)).toMatchObject(expected.map((e) => ({ line: 3, ...e })));
  });

  it.each([
    [`${HOST}/App:v1`, 'repository names are lowercase'],
    [`${HOST}/app@sha256:${'a'.repeat(64)}`, 'a digest (@sha256:…) cannot be a tag'],
    [`${HOST}/app:-v1`, 'repository names are lowercase'],
  ])('rejects %s', (text, hint) => {
    expect(() => readReferences(1, text)).toThrow(TagRuleError);
    expect(() => readReferences(1, text)).toThrow(/neither a tag rule nor an image reference/);
    try {
      readReferences(1, text);
    } catch (err) {
      expect((err as TagRuleError).hint).toContain(hint);
    }
  });

  // [references, targets, error fragment or undefined]
  it.each([
    [`${HOST}/app:v1`, [TARGET], undefined],
    [`app:v1`, [TARGET], undefined],
    [`${EXTRA.uri}:v1`, [TARGET, EXTRA], undefined],
    [
      `${HOST}/other:v1`,
      [TARGET],
      `line 1 "${HOST}/other:v1" names another image than the target ${HOST}/app`,
    ],
    [`ghcr.io/acme/app:v1`, [TARGET, EXTRA], 'names another image than the targets'],
  ] as const)('%s against the targets', (text, targets, error) => {
    const run = () => checkTagReferences(readReferences(1, text), targets);
    if (error === undefined) expect(run).not.toThrow();
    else {
      expect(run).toThrow(ActionError);
      expect(run).toThrow(error);
    }
  });

  it('each reference becomes its tag: no flavor prefix, no latest, in line order with the rules', () => {
    const plan = planTags(
      pushTag('v1.2.3'),
      request({
        rules: `${HOST}/app:v1.2.3,${HOST}/app:stable\ntype=sha,format=long`,
        flavor: 'prefix=x-',
      }),
    );
    expect(plan.tags).toEqual(['v1.2.3', 'stable', `sha-${SHA}`]);
    expect(plan.references.map((r) => r.text)).toEqual([`${HOST}/app:v1.2.3`, `${HOST}/app:stable`]);
  });
});

describe('commitTag: the tag reuse finds the commit by', () => {
  it.each([
    ['type=sha,format=long', `sha-${SHA}`],
    ['type=sha', `sha-${SHA.slice(0, 7)}`],
    ['type=sha,prefix=commit-,suffix=-x,format=long', `commit-${SHA}-x`],
    ['type=sha\ntype=sha,format=long', `sha-${SHA}`],
    ['type=sha,format=long,prefix=\ntype=sha', SHA],
    ['type=ref,event=branch', undefined],
    ['', SHA],
  ])('%j → %s', (rules, expected) => {
    expect(planTags(pushBranch('main'), request({ rules })).commitTag).toBe(expected);
  });
});
