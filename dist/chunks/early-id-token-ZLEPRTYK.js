import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{e as a,f as b,g as c,h as d}from"./chunk-6JKA2WPG.js";import"./chunk-ILBYIB3N.js";import"./chunk-BCSWCUDR.js";import"./chunk-WHSEP3IO.js";import"./chunk-NDJNVI3F.js";export{a as SEND_WAIT_MS,b as earlyAudience,d as matchingEarlyToken,c as requestIdTokenEarly};
