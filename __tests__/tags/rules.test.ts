import { describe, expect, it } from 'vitest';
import { TagRuleError } from '../../src/errors.js';
import { parseFlavor, parseTagRules } from '../../src/tags/rules.js';
import type { Flavor, TagRule } from '../../src/tags/types.js';

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
    // Only the attribute has to exist: an empty value (an empty expression) yields no tag.
    ['type=raw,value=', { value: '' }],
    ['type=raw,value=,enable=false', { value: '', enable: 'false' }],
    ['type=pep440,pattern=', { pattern: '' }],
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
    ['type=match,value=x', 1, 'type=match needs pattern=', 'group=1'],
    ['type=match,pattern=v(\\d+', 1, 'pattern=v(\\d+ is not a valid regular expression', 'e.g.'],
    ['type=semver,pattern={{version}},match=v(', 1, 'match=v( is not a valid regular expression', 'e.g.'],
    [
      'type=semver,pattern={{version}},match=app-v.*',
      1,
      'match=app-v.* has no capture group',
      'capture group 1',
    ],
    ['type=match,pattern=v(\\d),group=one', 1, 'group=one is not a number', 'group=1'],
    ['type=sha,format=medium', 1, 'format=medium is not valid', 'format=short'],
    ['type=ref', 1, 'type=ref needs event=', 'type=ref,event=branch'],
    ['type=ref,event=brnach', 1, 'event=brnach is not valid', 'Did you mean "branch"?'],
    ['type=ref,event=push', 1, 'event=push is not valid', 'expected branch, tag or pr'],
    ['type=raw,value=x,enable=yes', 1, 'enable=yes is not valid', 'enable=true'],
    ['type=raw,value={{sha', 1, 'value: unclosed "{{"', '}}'],
    ["type=schedule,pattern={{date 'YYYY' zone='UTC'}}", 1, '{{date}} has no attribute zone', "tz='Zone'"],
    ['type=raw,"value=a', 1, 'unterminated quote', 'close the quoted field'],
    // Text after a closing quote keeps the field as written (csv-parse's relaxQuotes).
    ['type=raw,"value=a"b', 1, 'type=raw needs value=', '"value=" is not an attribute: did you mean value='],
    [
      'type=semver,patern={{version}}',
      1,
      'type=semver needs pattern=',
      '"patern=" is not an attribute: did you mean pattern=',
    ],
  ];

  // What metadata-action accepts is accepted, with a warning naming what was ignored or how it reads.
  const WARNED: [string, Partial<TagRule>, string][] = [
    [
      'type=match,pattern=v(\\d),group=2',
      { group: 2 },
      'group=2 but the pattern has 1 capture group(s): the rule yields nothing',
    ],
    [
      'type=sha,lenght=12',
      { type: 'sha' },
      'unknown attribute lenght: ignored (type=sha takes enable, priority, prefix, suffix, format)',
    ],
    ['type=raw,value=x,pattern=y', { value: 'x' }, 'attribute pattern does not apply to type=raw: ignored'],
    ['type=edge,value=x', { type: 'edge' }, 'attribute value does not apply to type=edge: ignored'],
    [
      'type=raw,value=x,priority=high',
      { priority: 200 },
      'priority=high is not an integer: the default 200 is used',
    ],
    [
      'type=raw,value={{brnach}}',
      {},
      'value: unknown expression {{brnach}} renders empty (Did you mean "branch"?)',
    ],
    [
      'type=raw,value={{version}}',
      {},
      'value: unknown expression {{version}} renders empty (expected one of {{branch}}',
    ],
    ['type=raw,value={{sha 7}}', {}, 'value: {{sha}} takes no arguments: {{sha 7}} is read as {{sha}}'],
    ["type=raw,value={{tag 'x'}}", {}, "value: {{tag}} takes no arguments: {{tag 'x'}} is read as {{tag}}"],
    [
      'type=schedule,pattern={{date}}',
      {},
      "pattern: {{date}}: no format, so the date is ISO 8601; write {{date 'YYYYMMDD'}}",
    ],
    [
      'type=raw,value={{date YYYYMMDD}}',
      {},
      "value: {{date YYYYMMDD}}: the format YYYYMMDD is not quoted, so the date is ISO 8601; write {{date 'YYYYMMDD'}}",
    ],
    [
      "type=schedule,pattern={{date 'YYYY' tz='Mars/Olympus'}}",
      {},
      "pattern: unknown time zone \"Mars/Olympus\" in {{date 'YYYY' tz='Mars/Olympus'}}: UTC is used",
    ],
    [
      'type=sha,prefix={{brnch}}-',
      { prefix: '{{brnch}}-' },
      'prefix: unknown expression {{brnch}} renders empty',
    ],
  ];

  it.each(WARNED)('accepts %j with a warning', (text, expected, warning) => {
    const [rule] = parseTagRules(text);
    expect(rule).toMatchObject(expected);
    expect(rule!.warnings).toHaveLength(1);
    expect(rule!.warnings![0]).toContain(warning);
  });

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
    ['suffix=-a,onlatest=yes', 1, 'onlatest=yes is not valid', 'onlatest=true'],
    ['sufix=-alpine', 1, 'unknown flavor attribute sufix', 'Did you mean "suffix"?'],
    ['latest', 1, '"latest" is not key=value', 'latest=auto'],
  ];
  const WARNED: [string, Partial<Flavor>, string][] = [
    [
      'prefix=v\nonlatest=true',
      { prefix: 'v', prefixLatest: false },
      'line 2: onlatest needs a prefix or suffix before it on the same line: ignored',
    ],
    [
      'prefix={{tagg}}',
      { prefix: '{{tagg}}' },
      'line 1: prefix: unknown expression {{tagg}} renders empty (Did you mean "tag"?)',
    ],
  ];

  it.each(WARNED)('accepts %j with a warning', (text, expected, warning) => {
    const flavor = parseFlavor(text);
    expect(flavor).toMatchObject(expected);
    expect(flavor.warnings).toEqual([expect.stringContaining(warning)]);
  });

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
