import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as t}from"./chunk-NYRTOUVY.js";var o=t((p,e)=>{e.exports=process.getBuiltinModule("node:http")});export{o as a};
