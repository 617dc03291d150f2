// dist/main.js, the action's main step: the compile cache first, then the step itself, loaded
// with import() so that its modules are read from the cache from the second start on.
import { enableCompileCache } from '../runtime/compile-cache.js';

enableCompileCache();
await import('../action.js');
