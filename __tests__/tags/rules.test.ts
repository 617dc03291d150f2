import { describe, expect, it } from 'vitest';
import { TagRuleError } from '../../src/errors.js';
import { parseFlavor, parseTagRules } from '../../src/tags/rules.js';
import type { Flavor } from '../../src/tags/types.js';

describe('parseTagRules', () => {
  const VALID: [string, Record<string, unknown>][] = [
    [
      'type=semver,pattern={{version}}',
      { type: 'semver', priority: 900, pattern: '{{version}}', value: '', match: '', enable: 'true' },
    ],
    ['type=pep440,pattern={{major}}', { type: 'pep440', priority: 900 }],
    ['type=schedule', { type: 'schedule', priority: 1000, pattern: 'nightly' }],
    ['type=match,pattern=\\d.\\d.\\d', { type: 'match', priority: 800, group: 0, value: '' }],
    ['type=edge', { type: 'edge', priority: 700, branch: '' }],
    ['type=ref,event=branch', { type: 'ref', priority: 600, event: 'branch', prefix: undefined }],
    ['type=ref,event=pr', { type: 'ref', event: 'pr', prefix: 'pr-' }],
    ['type=raw,value=foo', { type: 'raw', priority: 200, value: 'foo' }],
    ['foo', { type: 'raw', value: 'foo' }],
    ['type=raw,bar', { type: 'raw', value: 'bar' }],
    ['type=sha', { type: 'sha', priority: 100, format: 'short', prefix: 'sha-' }],
    ['type=sha,prefix=,format=long', { prefix: '', format: 'long' }],
    ['  TYPE=raw , Value = x  ', { type: 'raw', value: 'x', text: 'TYPE=raw , Value = x' }],
    ['type=raw,"value=a,b"', { value: 'a,b' }],
    ['type=raw,"value=say ""hi"""', { value: 'say "hi"' }],
    ['type=match,"pattern=v(\\d{1,3})",group=1', { pattern: 'v(\\d{1,3})', group: 1 }],
    ['type=raw,value=x,priority=-5', { priority: -5 }],
    ['type=raw,value=x,enable={{is_default_branch}}', { enable: '{{is_default_branch}}' }],
    ['type=raw,value=x,', { value: 'x' }],
    ['type=semver,pattern={{version}},match=app-v(.*)', { match: 'app-v(.*)' }],
    // metadata-action (commentNoInfix): `#` is a comment at the start of a line only.
    ['type=raw,value=x#1', { value: 'x#1' }],
    ['type=match,pattern=#(\\d+),group=1', { pattern: '#(\\d+)' }],
    // The list syntax's quoting: a whole rule in quotes.
    ['"type=raw,value=foo"', { type: 'raw', value: 'foo' }],
    ['"type=sha,format=long"', { type: 'sha', format: 'long' }],
  ];

  it.each(VALID)('%s', (text, expected) => {
    const rules = parseTagRules(text);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ line: 1, ...expected });
  });

  it('keeps input order and real line numbers, skipping blanks and comments', () => {
    const rules = parseTagRules('\n  type=sha\n# note\n\n  type=raw,value=a\n');
    expect(rules.map((r) => [r.line, r.type])).toEqual([
      [2, 'sha'],
      [5, 'raw'],
    ]);
  });

  // [rules, line, message fragment, hint fragment]
  const INVALID: [string, number, string, string][] = [
    ['type=semvr,pattern={{version}}', 1, 'unknown type "semvr"', 'Did you mean "semver"?'],
    ['type=sha\ntype=Semver,pattern={{version}}', 2, 'unknown type "Semver"', 'Did you mean "semver"?'],
    ['type=image', 1, 'unknown type "image"', 'expected one of schedule, semver, pep440'],
    ['type=sha\n\ntype=semver', 3, 'type=semver needs pattern=', 'e.g. type=semver,pattern={{version}}'],
    ['type=pep440,pattern=', 1, 'type=pep440 needs pattern=', 'type=pep440,pattern={{version}}'],
    ['type=match,value=x', 1, 'type=match needs pattern=', 'group=1'],
    ['type=match,pattern=v(\\d+', 1, 'pattern=v(\\d+ is not a valid regular expression', 'e.g.'],
    ['type=semver,pattern={{version}},match=v(', 1, 'match=v( is not a valid regular expression', 'e.g.'],
    [
      'type=semver,pattern={{version}},match=app-v.*',
      1,
      'match=app-v.* has no capture group',
      'capture group 1',
    ],
    ['type=match,pattern=v(\\d),group=2', 1, 'group=2 but the pattern has 1 capture group(s)', 'group 0'],
    ['type=match,pattern=v(\\d),group=one', 1, 'group=one is not a number', 'group=1'],
    [
      'type=sha,lenght=12',
      1,
      'unknown attribute lenght',
      'type=sha takes enable, priority, prefix, suffix, format',
    ],
    ['type=semver,patern={{version}}', 1, 'unknown attribute patern', 'Did you mean "pattern"?'],
    ['type=raw,value=x,pattern=y', 1, 'attribute pattern does not apply to type=raw', 'type=raw takes'],
    ['type=sha,format=medium', 1, 'format=medium is not valid', 'format=short'],
    ['type=ref', 1, 'type=ref needs event=', 'type=ref,event=branch'],
    ['type=ref,event=brnach', 1, 'event=brnach is not valid', 'Did you mean "branch"?'],
    ['type=ref,event=push', 1, 'event=push is not valid', 'expected branch, tag or pr'],
    ['type=raw,value=x,enable=yes', 1, 'enable=yes is not valid', 'enable=true'],
    ['type=raw,value=x,priority=high', 1, 'priority=high is not an integer', 'priority=950'],
    ['type=raw,value=', 1, 'type=raw needs value=', 'type=raw,value=stable'],
    ['type=raw,value={{brnach}}', 1, 'value: unknown expression {{brnach}}', 'Did you mean "branch"?'],
    ['type=raw,value={{version}}', 1, 'value: unknown expression {{version}}', '{{branch}}'],
    ['type=raw,value={{sha', 1, 'value: unclosed "{{"', '}}'],
    ['type=raw,value={{sha 7}}', 1, 'value: cannot read {{sha 7}}', "{{name 'argument'"],
    ['type=raw,value={{branch}}-{{sha 3}}', 1, 'cannot read {{sha 3}}', 'expected {{name}}'],
    ["type=raw,value={{tag 'x'}}", 1, 'value: {{tag}} takes no arguments', ''],
    ['type=schedule,pattern={{date}}', 1, 'pattern: {{date}} needs one format', "{{date 'YYYYMMDD'"],
    [
      "type=schedule,pattern={{date 'YYYY' tz='Mars/Olympus'}}",
      1,
      'unknown time zone "Mars/Olympus"',
      'IANA',
    ],
    ["type=schedule,pattern={{date 'YYYY' zone='UTC'}}", 1, '{{date}} has no attribute zone', "tz='Zone'"],
    ['type=raw,"value=a', 1, 'unterminated quote', 'close the quoted field'],
    // Text after a closing quote keeps the field as written (csv-parse's relaxQuotes).
    ['type=raw,"value=a"b', 1, 'unknown attribute "value', 'Did you mean "value"?'],
    ['type=edge,value=x', 1, 'attribute value does not apply to type=edge', 'type=edge takes'],
    ['type=sha,prefix={{brnch}}-', 1, 'prefix: unknown expression {{brnch}}', 'Did you mean "branch"?'],
  ];

  it.each(INVALID)('rejects %j at line %i', (text, line, message, hint) => {
    let error: unknown;
    try {
      parseTagRules(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TagRuleError);
    const e = error as TagRuleError;
    expect(e.line).toBe(line);
    expect(e.rule).toBe(text.split('\n')[line - 1]);
    expect(e.message).toContain(`tags line ${line} (`);
    expect(e.message).toContain(message);
    expect(e.hint ?? '').toContain(hint);
  });
});

describe('parseFlavor', () => {
  const DEFAULT: Flavor = {
    latest: 'auto',
    prefix: '',
    prefixLatest: false,
    suffix: '',
    suffixLatest: false,
  };
  const VALID: [string, Partial<Flavor>][] = [
    ['', {}],
    ['latest=false', { latest: 'false' }],
    ['latest=true\nprefix=v', { latest: 'true', prefix: 'v' }],
    ['suffix=-alpine,onlatest=true', { suffix: '-alpine', suffixLatest: true }],
    ['prefix=app-,onlatest=true,suffix=-slim', { prefix: 'app-', prefixLatest: true, suffix: '-slim' }],
    ['# comment\nprefix={{branch}}-', { prefix: '{{branch}}-' }],
  ];
  it.each(VALID)('%j', (text, expected) => {
    expect(parseFlavor(text)).toEqual({ ...DEFAULT, ...expected });
  });

  const INVALID: [string, number, string, string][] = [
    ['latest=maybe', 1, 'latest=maybe is not valid', 'latest=auto'],
    [
      'prefix=v\nonlatest=true',
      2,
      'onlatest needs a prefix or suffix before it',
      'suffix=-alpine,onlatest=true',
    ],
    ['suffix=-a,onlatest=yes', 1, 'onlatest=yes is not valid', 'onlatest=true'],
    ['sufix=-alpine', 1, 'unknown flavor attribute sufix', 'Did you mean "suffix"?'],
    ['latest', 1, '"latest" is not key=value', 'latest=auto'],
    ['prefix={{tagg}}', 1, 'prefix: unknown expression {{tagg}}', 'Did you mean "tag"?'],
  ];
  it.each(INVALID)('rejects %j at line %i', (text, line, message, hint) => {
    const run = () => parseFlavor(text);
    expect(run).toThrow(TagRuleError);
    try {
      run();
    } catch (e) {
      const err = e as TagRuleError;
      expect(err.line).toBe(line);
      expect(err.message).toContain(`flavor line ${line} (`);
      expect(err.message).toContain(message);
      expect(err.hint).toContain(hint);
    }
  });
});
