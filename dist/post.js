import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
if(process.env["STATE_job-dir"])try{let o=await import("./chunks/core-4YU63D57.js"),{cleanup:r}=await import("./chunks/cleanup-WZLNGVZ5.js");for(let a of await r(e=>o.getState(e),process.env))o.warning(`Cleanup: ${a}`)}catch(o){console.log(`::warning::Cleanup failed: ${o.message}`)}
