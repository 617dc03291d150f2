import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a}from"./chunk-UMV4MPDR.js";import"./chunk-PKYCX7NZ.js";import"./chunk-FENRLPBV.js";import"./chunk-TM7EKFMG.js";import"./chunk-BCXIM2MI.js";import"./chunk-NDJNVI3F.js";export{a as cleanup};
