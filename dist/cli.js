#!/usr/bin/env node
import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as e}from"./chunks/chunk-FQFCTCHE.js";import"./chunks/chunk-NDJNVI3F.js";e();await import("./chunks/cli-6BIFB6TS.js");
