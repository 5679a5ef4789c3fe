export { RedisStaffAccounts, StaffStoreError } from './redis-staff-accounts.js';
export { RedisStaffSessions } from './redis-staff-sessions.js';
export { DEFAULT_SCRYPT_COST, ScryptHasher } from './scrypt-hasher.js';
export type { ScryptCost } from './scrypt-hasher.js';
export { createStaff, LOGIN_FAILURE_WINDOW_MS, staffOptionsFrom } from './create-staff.js';
export type { CreatedStaff, StaffOptions } from './create-staff.js';
