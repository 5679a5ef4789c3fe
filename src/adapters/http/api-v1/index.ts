export { apiV1Routes } from './api-v1-routes.js';
export type { ApiV1Deps, ApiV1Limits } from './api-v1-routes.js';
export { emergencyMessage } from './submission-replies.js';
