import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a}from"./chunk-LY25YOZV.js";import"./chunk-KMIY6Y76.js";import"./chunk-B2OPPAAF.js";import"./chunk-TM7EKFMG.js";import"./chunk-BCXIM2MI.js";import"./chunk-NDJNVI3F.js";export{a as cleanup};
