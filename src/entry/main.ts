// dist/main.js, the action's main step: the compile cache first; then the OIDC token request, sent
// before the step's own modules load (aws/early-id-token.ts); then the step, loaded with import()
// so that its modules are read from the cache from the second start on.
import { enableCompileCache } from '../runtime/compile-cache.js';

enableCompileCache();
const { requestIdTokenEarly } = await import('../aws/early-id-token.js');
const early = requestIdTokenEarly(process.env);
await early?.sent;
const { runAction } = await import('../action.js');
await runAction(early);
