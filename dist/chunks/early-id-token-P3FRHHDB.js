import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{e as a,f as b,g as c,h as d}from"./chunk-XYVDEMMU.js";import"./chunk-NIQYQPXV.js";import"./chunk-BCSWCUDR.js";import"./chunk-WHSEP3IO.js";import"./chunk-NYRTOUVY.js";export{a as SEND_WAIT_MS,b as earlyAudience,d as matchingEarlyToken,c as requestIdTokenEarly};
