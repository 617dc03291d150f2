import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{q as e,r,s as o,u as t}from"./chunk-CYW4C2MG.js";import"./chunk-PXWECFUO.js";import"./chunk-FENRLPBV.js";import"./chunk-TM7EKFMG.js";import"./chunk-MBTWWRIM.js";import"./chunk-NDJNVI3F.js";export{o as Ecr,e as assumeRoleWithWebIdentity,r as defaultChainSession,t as explainEcrError};
