import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as t}from"./chunks/chunk-WFTXKQGL.js";import"./chunks/chunk-UY3L7TIY.js";import"./chunks/chunk-NYRTOUVY.js";t();var{requestIdTokenEarly:e}=await import("./chunks/early-id-token-XLN45BA3.js"),a=e(process.env);await a?.sent;var{runAction:o}=await import("./chunks/action-62IZPPYV.js");await o(a);
