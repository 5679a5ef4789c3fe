export { buildHttpServer, HttpListenError } from './http-server.js';
export type { HttpRoute, HttpServer, HttpServerDeps, ReadinessCheck, RoutePlugin } from './http-server.js';
