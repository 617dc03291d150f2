#!/usr/bin/env node
import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as u,b as l,c as d,d as m,e as s,h,i as g}from"./chunks/chunk-YMZF4TYJ.js";import"./chunks/chunk-B2555FPJ.js";import"./chunks/chunk-KR5WAVDV.js";import"./chunks/chunk-CIQASFQE.js";import"./chunks/chunk-U36TF2GN.js";import{k as p}from"./chunks/chunk-H4VTK2JD.js";import{g as o,h as a}from"./chunks/chunk-M353BRIU.js";o();var f={name:"ecr-build-push",version:"1.0.0",description:"Build container images with buildx and ship them to Amazon ECR in one step: OIDC role, ECR login, build, tags, push, digests.",license:"MIT",type:"module",engines:{node:">=20.19"},bin:{"ecr-build-push":"dist/cli.js"},files:["dist"],scripts:{build:"tsc --noEmit -p tsconfig.json",bundle:"node scripts/bundle.mjs",lint:"eslint . && prettier --check .",format:"prettier --write .",test:"vitest run",e2e:"vitest run --config vitest.e2e.config.ts",bench:"tsx bench/run.ts",demo:"tsx test/stack/demo.ts","stack:up":"tsx test/stack/cli.ts up","stack:down":"tsx test/stack/cli.ts down",validate:"node scripts/validate.mjs",docs:"node scripts/docs.mjs",all:"npm run build && npm run lint && npm run bundle && npm test","test:stack":"vitest run --config vitest.stack.config.ts"},devDependencies:{"@action-validator/cli":"^0.6.0","@actions/cache":"^6.3.0","@actions/core":"^3.0.1","@actions/exec":"^3.0.0","@aws-sdk/client-ecr":"^3.1169.0","@aws-sdk/client-ecr-public":"^3.1108.0","@aws-sdk/client-sts":"^3.1174.0","@eslint/js":"^10.0.1","@smithy/node-http-handler":"^4.14.2","@types/node":"^20.19.43","@types/semver":"^7.8.0","@vitest/coverage-v8":"4.1.12","agent-base":"^7.1.4","aws-sdk-client-mock":"^4.1.0",esbuild:"^0.28.2",eslint:"^10.15.0","eslint-config-prettier":"^10.1.8",globals:"^17.14.0","https-proxy-agent":"^7.0.6",prettier:"^3.10.1",semver:"^7.8.6",tsx:"^4.23.15",typescript:"~5.9","typescript-eslint":"^8.74.0",undici:"^7.30.2",vitest:"^4.1.12",yaml:"^2.9.1"},allowScripts:{esbuild:!0}};o();var v=typeof a>"u"?{}:a,$={run:"build, tag and push (the action, main and post step in one)",plan:"dry run: validate, resolve the tags, print the plan; read-only AWS calls only with credentials",login:"assume the role and log docker in to the registry; no build, no Dockerfile, no git needed"};function b(e){return e?k(e):I()}function I(){return`Usage: ecr-build-push COMMAND [FLAGS]

Commands:
${Object.entries($).map(([e,t])=>`  ${e.padEnd(7)}${t}`).join(`
`)}
  help   help COMMAND lists the flags of a command

Every action input is a flag of the same name: --repository NAME, --push / --no-push,
--build-args KEY=VALUE (repeatable). \`ecr-build-push help run\` lists them all.

${E()}

Context (ref, commit, pull request, default branch) comes from GitHub Actions, GitLab CI,
Buildkite, Jenkins, CircleCI or Bitbucket Pipelines variables, else from git.
Credentials: --role-to-assume with a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, CircleCI's
CIRCLE_OIDC_TOKEN_V2), else the AWS SDK's default chain.

${y()}`}function k(e){let t=l.filter(n=>n.input&&n.name===n.input),i=l.filter(n=>n.input&&n.name!==n.input),r={run:`ecr-build-push run --role-to-assume arn:aws:iam::123456789012:role/ci --region eu-west-1 \\
      --repository my-app -t "$VERSION" --build-arg COMMIT="$SHA"`,plan:"ecr-build-push plan --repository my-app --tags 'type=semver,pattern={{version}}'",login:"ecr-build-push login --region eu-west-1 --registry 123456789012"};return`Usage: ecr-build-push ${e} [FLAGS]

${$[e]}.${e==="plan"?" Same flags as run; --dry-run is implied.":""}
${e==="login"?`It reads the credential and target flags; the others are accepted and ignored.
`:""}
Example:
  ${r[e]}

Inputs (the action's inputs, same names and meaning; the README's Inputs table has more):
${t.map(n=>c(n,v[n.name])).join(`
`)}

Aliases:
${i.map(n=>c(n,`= --${n.input}: ${n.help}`)).join(`
`)}

Lists take one item per flag (repeat the flag) or several lines in one value.
Switches take --NAME, --no-NAME, or --NAME true|false.

${E()}

${y()}`}function w(e){let t=[e.short?`-${e.short}, `:"",`--${e.name}`].join(""),i=e.input&&!e.name.startsWith("no-");return e.kind==="boolean"?i?`  ${t}, --no-${e.name}`:`  ${t}`:`  ${t} ${e.placeholder??"VALUE"}${e.kind==="list"?" ...":""}`}function c(e,t){let i=w(e);return t?i.length<34?`${i.padEnd(36)}${t}`:`${i}
${" ".repeat(36)}${t}`:i}function E(){return`Options:
${u.map(e=>c(e,e.help)).join(`
`)}`}function y(){return`Exit codes:
  ${s.ok}    success          ${s.failure}    failure          ${s.usage}    usage or input error
  ${s.scanGate}    scan gate failed ${s.immutableConflict}    immutable tag conflict
  ${s.sigint}  interrupted (SIGINT)             ${s.sigterm}  terminated (SIGTERM)
stdout carries one JSON object (the action's outputs, typed; \`error\` on failure).`}async function x(e){let t;try{t=m(e)}catch(r){if(!(r instanceof d))throw r;return process.stderr.write(`error: ${r.message}${r.hint?`
  Hint: ${r.hint}`:""}
`),process.stdout.write(`${JSON.stringify(h({},g(r)),null,2)}
`),s.usage}if(t.command==="version")return process.stdout.write(`${f.version}
`),s.ok;if(t.command==="help")return process.stdout.write(`${b(t.topic)}
`),s.ok;let{runCommand:i}=await import("./chunks/run-I5GJOH7O.js");return i(t)}x(process.argv.slice(2)).then(e=>process.exit(e),e=>{process.stderr.write(`${p(e)}
`),process.exit(s.failure)});
