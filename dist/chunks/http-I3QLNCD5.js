import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a}from"./chunk-FT56WOSX.js";import"./chunk-NYRTOUVY.js";export default a();
