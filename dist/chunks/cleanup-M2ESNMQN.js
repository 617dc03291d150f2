import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as a}from"./chunk-N775KZ2W.js";import"./chunk-VESI3SRF.js";import"./chunk-OFFLPFE5.js";import"./chunk-BCSWCUDR.js";import"./chunk-WHSEP3IO.js";import"./chunk-NDJNVI3F.js";export{a as cleanup};
