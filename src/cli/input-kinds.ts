import { boolean } from '../inputs/parsers.js';
import { INPUT_ROWS } from '../inputs/table.js';

/** How an input takes its value on the command line. */
export type InputKind = 'boolean' | 'list' | 'value';

export interface InputSpec {
  name: string;
  kind: InputKind;
}

/**
 * Every row of the input table with its kind: a row parsed as a boolean is a switch, a list row
 * a repeatable flag, anything else one value (`provenance` and `sbom` default to false but
 * take attributes too, so they are values). A new row is a new flag.
 */
export const INPUT_SPECS: readonly InputSpec[] = INPUT_ROWS.map(({ row }) => ({
  name: row.name,
  kind: row.parse === boolean ? 'boolean' : row.list ? 'list' : 'value',
}));
