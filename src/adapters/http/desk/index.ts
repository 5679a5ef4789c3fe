export { deskPageRoutes } from './desk-pages-routes.js';
export type { DeskPagesDeps } from './desk-pages-routes.js';
export { DeskPagesSetupError } from './desk-page-assets.js';
