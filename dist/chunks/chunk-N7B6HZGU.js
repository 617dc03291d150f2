import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
function o(){return{warnings:[],denied:[],awsCalls:[],timings:{}}}async function s(n,i,r){let t=performance.now();try{return await r()}finally{e(n,i,performance.now()-t)}}function e(n,i,r){n.timings[i]=Math.round((n.timings[i]??0)+r)}export{o as a,s as b,e as c};
