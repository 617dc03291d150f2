import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
var t=["CRITICAL","HIGH","MEDIUM","LOW"];export{t as a};
