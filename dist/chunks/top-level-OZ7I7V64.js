import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-45GHCRHR.js";import"./chunk-DPDMD2CF.js";import"./chunk-OFFLPFE5.js";import"./chunk-WHSEP3IO.js";import"./chunk-NDJNVI3F.js";export{b as failOnUnhandled,a as failStep};
