import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{p as i,v as r}from"./chunk-77FRAA4X.js";import{k as n,n as t}from"./chunk-WHSEP3IO.js";function c(e){if(a)return;a=!0;let o=t(e);o&&r(`Stack of the unexpected error:
${o}`),i(n(e))}var a=!1;function d(){process.on("unhandledRejection",c),process.on("uncaughtException",c)}export{c as a,d as b};
