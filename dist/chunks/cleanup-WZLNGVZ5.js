import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{i as a,j as b}from"./chunk-IK23OERQ.js";import"./chunk-BCXIM2MI.js";import"./chunk-RAJSMHVG.js";import"./chunk-NDJNVI3F.js";export{a as STATE,b as cleanup};
