import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{j as a,k as b}from"./chunk-DVVHGN5M.js";import"./chunk-BCXIM2MI.js";import"./chunk-B2OPPAAF.js";import"./chunk-TM7EKFMG.js";import"./chunk-NDJNVI3F.js";export{a as STATE,b as cleanup};
