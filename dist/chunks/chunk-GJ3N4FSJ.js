import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
var n=["application/vnd.oci.image.index.v1+json","application/vnd.docker.distribution.manifest.list.v2+json","application/vnd.oci.image.manifest.v1+json","application/vnd.docker.distribution.manifest.v2+json"];function o(i){return i===n[0]||i===n[1]}export{n as a,o as b};
