import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b,c,d}from"./chunk-S5VU7DPY.js";import"./chunk-32CBIBY6.js";import"./chunk-FKUTFI52.js";import"./chunk-BCSWCUDR.js";import"./chunk-AZPCQ7WQ.js";import"./chunk-WHSEP3IO.js";import"./chunk-NYRTOUVY.js";export{a as SEND_WAIT_MS,b as earlyAudience,d as matchingEarlyToken,c as requestIdTokenEarly};
