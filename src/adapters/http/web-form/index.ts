export { webFormRoutes } from './web-form-routes.js';
export type { WebFormDeps } from './web-form-routes.js';
export { WebFormSetupError } from './form-assets.js';
