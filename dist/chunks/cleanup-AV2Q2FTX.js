import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a}from"./chunk-UYDIYBDU.js";import"./chunk-DTJKYYEM.js";import"./chunk-BCXIM2MI.js";import"./chunk-7CAU6FW5.js";import"./chunk-NDJNVI3F.js";export{a as cleanup};
