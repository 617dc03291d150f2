import { parseInputs, type InputFs } from '../../src/inputs/parse.js';
import type { Inputs } from '../../src/inputs/types.js';

export const POLICY =
  '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}';

/** A workspace: a Dockerfile at the root, app/ with its own, docker/ with a named one, empty/ with none. */
const FILES: Record<string, string> = {
  Dockerfile: 'FROM scratch',
  'app/Dockerfile': 'FROM scratch',
  'docker/prod.Dockerfile': 'FROM scratch',
  'secrets/npmrc': '//registry.npmjs.org/:_authToken=x',
  'policy.json': POLICY,
  'not-json.json': 'rules: []',
};
const DIRS = new Set(['.', 'app', 'docker', 'empty', 'secrets']);

export const fakeFs: InputFs = {
  exists: (path) => path in FILES || DIRS.has(path),
  isDirectory: (path) => DIRS.has(path),
  readFile: (path) => {
    const text = FILES[path];
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  },
};

export function parse(inputs: Record<string, string>, env: Record<string, string | undefined> = {}): Inputs {
  return parseInputs((name) => inputs[name] ?? '', env, fakeFs);
}
