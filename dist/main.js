import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as t}from"./chunks/chunk-FQFCTCHE.js";import"./chunks/chunk-NDJNVI3F.js";t();var{requestIdTokenEarly:e}=await import("./chunks/early-id-token-ZLEPRTYK.js"),a=e(process.env);await a?.sent;var{runAction:o}=await import("./chunks/action-QURNP6H2.js");await o(a);
