import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as o}from"./chunk-NYRTOUVY.js";var s=o((t,e)=>{e.exports=process.getBuiltinModule("node:fs")});export{s as a};
