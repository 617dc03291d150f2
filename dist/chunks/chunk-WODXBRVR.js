import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as t}from"./chunk-NYRTOUVY.js";var o=t((s,e)=>{e.exports=process.getBuiltinModule("node:https")});export{o as a};
