import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{i as t}from"./chunk-KJKWPTFN.js";import{b as s}from"./chunk-NYRTOUVY.js";var i=s((m,r)=>{"use strict";var p=t(),a=(e,c,o)=>p(c,e,o);r.exports=a});export{i as a};
