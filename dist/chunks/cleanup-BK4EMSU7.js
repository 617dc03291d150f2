import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as a}from"./chunk-VND22YOK.js";import"./chunk-NSOY3BLS.js";import"./chunk-IEUGIOWN.js";import"./chunk-UY3L7TIY.js";import"./chunk-BCSWCUDR.js";import"./chunk-WHSEP3IO.js";import"./chunk-NYRTOUVY.js";export{a as cleanup};
