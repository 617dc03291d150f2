import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as a}from"./chunk-Q4JBGU5W.js";import"./chunk-UOSXKKMN.js";import"./chunk-IEUGIOWN.js";import"./chunk-UY3L7TIY.js";import"./chunk-BCSWCUDR.js";import"./chunk-WHSEP3IO.js";import"./chunk-NYRTOUVY.js";export{a as cleanup};
