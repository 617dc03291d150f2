import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-G52WMZPC.js";import"./chunk-TM7EKFMG.js";import"./chunk-QDPPYDGW.js";import"./chunk-BCXIM2MI.js";import"./chunk-NDJNVI3F.js";export{b as failOnUnhandled,a as failStep};
