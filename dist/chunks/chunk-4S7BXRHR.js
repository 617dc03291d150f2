import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{p as r,v as c}from"./chunk-W4ES2U5E.js";import{k as t,n as i}from"./chunk-H4VTK2JD.js";import{g as n}from"./chunk-M353BRIU.js";n();function a(e){if(f)return;f=!0;let o=i(e);o&&c(`Stack of the unexpected error:
${o}`),r(t(e))}var f=!1;function s(){process.on("unhandledRejection",a),process.on("uncaughtException",a)}export{a,s as b};
