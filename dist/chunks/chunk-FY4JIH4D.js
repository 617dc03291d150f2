import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as o}from"./chunk-NYRTOUVY.js";var t=o((p,e)=>{e.exports=process.getBuiltinModule("node:crypto")});export{t as a};
