import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{o as a,p as b,q as c}from"./chunk-36D5Q6Q6.js";import"./chunk-7CAU6FW5.js";import"./chunk-MBTWWRIM.js";import"./chunk-NDJNVI3F.js";export{a as SDK_DEFAULTS,b as assumeRoleWithWebIdentity,c as defaultChainSession};
