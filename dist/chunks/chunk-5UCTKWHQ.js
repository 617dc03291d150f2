import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as o}from"./chunk-NYRTOUVY.js";var t=o((i,e)=>{e.exports=process.getBuiltinModule("node:util")});export{t as a};
