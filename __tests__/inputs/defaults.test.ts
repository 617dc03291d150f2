import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { INPUT_DEFAULTS } from '../../src/inputs/defaults.js';
import { INPUT_NAMES } from '../../src/inputs/parse.js';

const action = parseYaml(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: unknown }>;
};

describe('action.yml is the contract', () => {
  it('the defaults equal action.yml defaults', () => {
    const fromYaml = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([name, spec]) => [name, String(spec.default)]),
    );
    expect(INPUT_DEFAULTS).toEqual(fromYaml);
  });

  it('every action.yml input has a parser, and no parser reads an undeclared input', () => {
    expect([...INPUT_NAMES].sort()).toEqual(Object.keys(action.inputs).sort());
  });
});
