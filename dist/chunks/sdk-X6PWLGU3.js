import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{p as e,q as r,r as o,t}from"./chunk-UU3YJPZP.js";import"./chunk-VJ3YU2FM.js";import"./chunk-B2OPPAAF.js";import"./chunk-TM7EKFMG.js";import"./chunk-MBTWWRIM.js";import"./chunk-NDJNVI3F.js";export{o as Ecr,e as assumeRoleWithWebIdentity,r as defaultChainSession,t as explainEcrError};
