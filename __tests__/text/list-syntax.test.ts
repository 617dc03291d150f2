import { describe, expect, it } from 'vitest';
import { ListSyntaxError, parseList, type ListOptions } from '../../src/text/list-syntax.js';

const SPLIT: ListOptions = { commas: 'split' };
const KEEP: ListOptions = { commas: 'keep' };
const RULES: ListOptions = { commas: 'keep', comments: true };

interface Case {
  name: string;
  input: string;
  options: ListOptions;
  items: string[];
  /** Line of each item, when checked. */
  lines?: number[];
}

// build-push-action's getInputList behaviour (its documented list syntax and its toolkit's tests).
const CASES: Case[] = [
  { name: 'empty input', input: '', options: SPLIT, items: [] },
  { name: 'one item', input: 'bar', options: SPLIT, items: ['bar'] },
  { name: 'newline separated', input: 'bar\nbaz', options: SPLIT, items: ['bar', 'baz'], lines: [1, 2] },
  {
    name: 'blank lines dropped',
    input: 'bar\n\n  \nbaz',
    options: SPLIT,
    items: ['bar', 'baz'],
    lines: [1, 4],
  },
  { name: 'comma separated', input: 'bar,baz', options: SPLIT, items: ['bar', 'baz'] },
  { name: 'trailing comma', input: 'bar,baz,', options: SPLIT, items: ['bar', 'baz'] },
  { name: 'CRLF', input: 'bar\r\nbaz', options: SPLIT, items: ['bar', 'baz'] },
  { name: 'CRLF and commas', input: 'bar\r\nbaz,bat', options: SPLIT, items: ['bar', 'baz', 'bat'] },
  { name: 'items are trimmed', input: '  bar , baz  \n\tqux', options: SPLIT, items: ['bar', 'baz', 'qux'] },
  {
    name: 'platforms: a quoted field of one record is split at its commas too',
    input: 'linux/amd64\n"linux/arm64,linux/arm/v7"',
    options: SPLIT,
    items: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
  },
  {
    name: 'tags: full references, comma and newline',
    input: 'ghcr.io/acme/app:1.0,ghcr.io/acme/app:latest\nacme/app:edge',
    options: SPLIT,
    items: ['ghcr.io/acme/app:1.0', 'ghcr.io/acme/app:latest', 'acme/app:edge'],
  },
  {
    name: 'ignoreComma: a cache entry keeps its commas',
    input: 'user/app:cache\ntype=local,src=path/to/dir',
    options: KEEP,
    items: ['user/app:cache', 'type=local,src=path/to/dir'],
  },
  {
    name: 'ignoreComma with CRLF',
    input: 'user/app:cache\r\ntype=local,src=path/to/dir',
    options: KEEP,
    items: ['user/app:cache', 'type=local,src=path/to/dir'],
  },
  {
    name: 'ignoreComma: a quoted line is unquoted, never passed on with its quotes',
    input: '"FOO=a,b"\n"BAR=plain"',
    options: KEEP,
    items: ['FOO=a,b', 'BAR=plain'],
  },
  {
    name: 'ignoreComma: quoted fields among others are unquoted and joined',
    input: 'type=registry,"ref=host/repo:cache",mode=max',
    options: KEEP,
    items: ['type=registry,ref=host/repo:cache,mode=max'],
  },
  {
    name: 'a quote inside an unquoted field is literal',
    input: 'FOO="bar"\nlabel=say "hi"',
    options: KEEP,
    items: ['FOO="bar"', 'label=say "hi"'],
  },
  {
    name: 'secrets: multi-line quoted values',
    input: 'GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789\n"MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc"\nFOO=bar',
    options: KEEP,
    items: ['GIT_AUTH_TOKEN=abcdefgh,ijklmno=0123456789', 'MYSECRET=aaaaaaaa\nbbbbbbb\nccccccccc', 'FOO=bar'],
    lines: [1, 2, 5],
  },
  {
    name: 'secrets: a quoted value keeps its empty lines',
    input: 'FOO=bar\n"EMPTYLINE=aaaa\n\nbbbb\nccc"',
    options: KEEP,
    items: ['FOO=bar', 'EMPTYLINE=aaaa\n\nbbbb\nccc'],
  },
  {
    name: 'secrets: without quotes every line is an item',
    input: 'MYSECRET=aaaaaaaa\nbbbbbbb\nFOO=bar',
    options: KEEP,
    items: ['MYSECRET=aaaaaaaa', 'bbbbbbb', 'FOO=bar'],
  },
  {
    name: 'secrets: "" inside quotes is one quote',
    input: '"MYSECRET=aaaa\nbbbb""bbb\ncccc"\nFOO=bar',
    options: KEEP,
    items: ['MYSECRET=aaaa\nbbbb"bbb\ncccc', 'FOO=bar'],
  },
  {
    name: 'a quoted field with CRLF inside keeps it',
    input: '"KEY=a\r\nb"\r\nNEXT=1',
    options: KEEP,
    items: ['KEY=a\r\nb', 'NEXT=1'],
    lines: [1, 3],
  },
  {
    name: 'blanks around a quoted field are ignored',
    input: '  "FOO=a,b"  \n',
    options: KEEP,
    items: ['FOO=a,b'],
  },
  {
    name: 'text after a closing quote: the field stays as written',
    input: '"a"b,c',
    options: SPLIT,
    items: ['"a"b', 'c'],
  },
  {
    name: 'without comments, # is text',
    input: 'foo=bar\nbar=qux#baz\n# note',
    options: KEEP,
    items: ['foo=bar', 'bar=qux#baz', '# note'],
  },
  // metadata-action reads `tags`, `flavor`, `labels` with comments that start a line only.
  {
    name: 'metadata-action: # starts a comment only at the start of a line',
    input: '# the branch\ntype=ref,event=branch\n  # "indented, with a quote\ntype=raw,value=a#b',
    options: RULES,
    items: ['type=ref,event=branch', 'type=raw,value=a#b'],
    lines: [2, 4],
  },
  {
    name: 'metadata-action: a whole rule in quotes',
    input: '"type=raw,value=foo"',
    options: RULES,
    items: ['type=raw,value=foo'],
  },
];

describe('parseList', () => {
  it.each(CASES)('$name', ({ input, options, items, lines }) => {
    const parsed = parseList(input, options);
    expect(parsed.map((i) => i.text)).toEqual(items);
    if (lines) expect(parsed.map((i) => i.line)).toEqual(lines);
  });

  it.each([
    { input: '"FOO=bar', line: 1 },
    { input: 'A=1\nB=2,"C=3\nD=4', line: 2 },
  ])('an unclosed quote names its line, never the text: $input', ({ input, line }) => {
    let error: unknown;
    try {
      parseList(input, KEEP);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ListSyntaxError);
    expect((error as ListSyntaxError).line).toBe(line);
    expect((error as Error).message).toBe(`the double quote opened on line ${line} is never closed`);
  });
});
