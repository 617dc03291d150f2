#!/usr/bin/env node
import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as e}from"./chunks/chunk-WFTXKQGL.js";import"./chunks/chunk-UY3L7TIY.js";import"./chunks/chunk-NYRTOUVY.js";e();await import("./chunks/cli-P7ITSQ3D.js");
