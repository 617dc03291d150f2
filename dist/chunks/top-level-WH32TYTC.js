import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-4S7BXRHR.js";import"./chunk-W4ES2U5E.js";import"./chunk-4DV24NSH.js";import"./chunk-H4VTK2JD.js";import"./chunk-M353BRIU.js";export{b as failOnUnhandled,a as failStep};
