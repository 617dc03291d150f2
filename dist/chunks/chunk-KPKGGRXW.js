import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
function e(){return{warnings:[],denied:[],awsCalls:[],timings:{}}}async function s(n,i,r){let t=performance.now();try{return await r()}finally{n.timings[i]=Math.round((n.timings[i]??0)+performance.now()-t)}}export{e as a,s as b};
