export { buildHttpServer, HttpListenError } from './http-server.js';
export type { HttpServer, HttpServerDeps, ReadinessCheck, RoutePlugin } from './http-server.js';
