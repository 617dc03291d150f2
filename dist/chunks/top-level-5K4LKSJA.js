import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-RMQHMM5U.js";import"./chunk-77FRAA4X.js";import"./chunk-IEUGIOWN.js";import"./chunk-FY4JIH4D.js";import"./chunk-UY3L7TIY.js";import"./chunk-WHSEP3IO.js";import"./chunk-NYRTOUVY.js";export{b as failOnUnhandled,a as failStep};
