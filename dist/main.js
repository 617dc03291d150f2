import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a}from"./chunks/chunk-FQFCTCHE.js";import"./chunks/chunk-NDJNVI3F.js";a();await import("./chunks/action-3BVGEHIQ.js");
