/** The web shell: loopback HTTP + SSE over the service, serving the built renderer. */
export { startWebServer, type WebServer, type WebServerOptions, MAX_API_BODY } from './server';
export { RENDERER_CSP, resolveInside, findStaticFile, staticHeaders, contentTypeFor } from './static-files';
export { MAX_UPLOAD_BYTES } from './upload';
