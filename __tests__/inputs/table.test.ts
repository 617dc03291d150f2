import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { INPUT_ROWS } from '../../src/inputs/table.js';
import { parse } from './fixtures.js';

const action = parseYaml(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { default?: unknown }>;
};

describe('the input table is action.yml', () => {
  it('one row per action.yml input, in its order', () => {
    expect(INPUT_ROWS.map(({ row }) => row.name)).toEqual(Object.keys(action.inputs));
  });

  it("each row's default is action.yml's", () => {
    const fromYaml = Object.entries(action.inputs).flatMap(([name, spec]) =>
      spec.default === undefined ? [] : [[name, String(spec.default)]],
    );
    const fromTable = INPUT_ROWS.flatMap(({ row }) =>
      row.default === undefined ? [] : [[row.name, row.default]],
    );
    expect(fromTable).toEqual(fromYaml);
  });

  it('every row fills its own field of Inputs', () => {
    const inputs = parse({});
    const filled = INPUT_ROWS.filter(({ section, field }) => Object.hasOwn(inputs[section], field));
    expect(filled).toHaveLength(INPUT_ROWS.length);
    expect(new Set(INPUT_ROWS.map(({ section, field }) => `${section}.${field}`)).size).toBe(
      INPUT_ROWS.length,
    );
  });
});
