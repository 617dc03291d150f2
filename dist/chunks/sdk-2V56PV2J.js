import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{p as e,q as r,r as o,t}from"./chunk-C36CJEHY.js";import"./chunk-GJ3N4FSJ.js";import"./chunk-RAJSMHVG.js";import"./chunk-MBTWWRIM.js";import"./chunk-NDJNVI3F.js";export{o as Ecr,e as assumeRoleWithWebIdentity,r as defaultChainSession,t as explainEcrError};
