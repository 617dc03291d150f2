import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a}from"./chunk-LIYTCEDK.js";import"./chunk-YTPC7IVL.js";import"./chunk-4BVBPAGQ.js";import"./chunk-4DV24NSH.js";import"./chunk-H4VTK2JD.js";import"./chunk-M353BRIU.js";export{a as cleanup};
