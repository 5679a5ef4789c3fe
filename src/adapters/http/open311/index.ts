export { open311Routes } from './open311-routes.js';
export type { Open311RoutesDeps } from './open311-routes.js';
export { Open311Error, Open311SetupError } from './open311-errors.js';
export type { Open311ErrorCode } from './open311-errors.js';
export { OPEN311_SERVICES } from './open311-services.js';
export type { Open311Service } from './open311-services.js';
