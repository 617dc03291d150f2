#!/usr/bin/env node
// dist/cli.js, the package's bin: the compile cache first, then the CLI (see main.ts).
import { enableCompileCache } from '../runtime/compile-cache.js';

enableCompileCache();
await import('../cli.js');
