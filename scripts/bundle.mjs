// Bundles the action (main, post) and the CLI into dist/ (or the directory given as the first
// argument: the CLI tests bundle into a temporary one) with esbuild.
// Code splitting keeps start-up fast: each entry loads only its own code, and the
// AWS SDK sits in a chunk loaded after input validation.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { parse } from 'yaml';

// The CLI's help describes each flag with the first sentence of its action.yml input
// (embedded here: the bundle never reads action.yml, which an installed package lacks).
const { inputs } = parse(readFileSync('action.yml', 'utf8'));
const firstSentence = (text) => {
  const sentence = /^.*?\.(?=\s|$)/.exec(text)?.[0] ?? text;
  return sentence.length > 110 ? `${sentence.slice(0, 109)}…` : sentence;
};
const inputHelp = Object.fromEntries(
  Object.entries(inputs).map(([name, spec]) => [name, firstSentence(spec.description)]),
);

// @actions/core pulls in @actions/http-client (and undici, ~400 KB minified, ~100 ms to
// load) only for getIDToken. We fetch the OIDC token ourselves (src/aws/oidc.ts), so
// the client is replaced by a module that fails loudly if anything ever reaches it.
const noHttpClient = {
  name: 'no-actions-http-client',
  setup(b) {
    // Only @actions/core's import: @actions/cache (its own lazily loaded chunk) needs the real one.
    b.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer)
        ? { path: 'http-client', namespace: 'stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents:
        'const fail = () => { throw new Error("@actions/http-client is not bundled: use src/aws/oidc.ts"); };\n' +
        'export class HttpClient { constructor() { fail(); } }\n' +
        'export class BearerCredentialHandler { constructor() { fail(); } }\n',
      loader: 'js',
    }));
  },
};

// Node's built-ins as their CommonJS objects (process.getBuiltinModule), not as ES modules: Node
// builds a built-in's ES module facade by reading every export, which runs its lazy getters:
// node:http's load undici (~18 ms, measured) and node:crypto's the Web Crypto API, on the path to
// the first request. Named imports become property reads of the same objects.
const builtins = new Set(['http', 'https', 'crypto', 'util', 'fs']);
const builtinObjects = {
  name: 'builtin-objects',
  setup(b) {
    b.onResolve({ filter: /^[a-z:_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      return builtins.has(name) ? { path: name, namespace: 'builtin' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)});`,
      loader: 'js',
    }));
  },
};

const outdir = process.argv[2] ?? 'dist';
await rm(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: 'src/entry/main.ts', post: 'src/post.ts', cli: 'src/entry/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The ES module builds where packages ship both (the AWS SDK does): no CommonJS wrappers to run
  // at load, and tree-shaking across them.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  // JSON text, parsed by src/cli/help.ts: an object here would be a module shared by every entry.
  define: { ECR_BUILD_PUSH_INPUT_HELP: JSON.stringify(JSON.stringify(inputHelp)) },
  plugins: [noHttpClient, builtinObjects],
  logLevel: 'warning',
});
// dist/ is an ES module tree whatever package.json the action is run from.
await writeFile(`${outdir}/package.json`, '{ "type": "module" }\n');
const total = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.log(`${outdir}/: ${Object.keys(result.metafile.outputs).length} files, ${total} bytes`);
