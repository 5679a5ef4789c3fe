// The request and response schemas of `/v1/sessions` (staff log in and out), and how a staff session is presented,
// for the OpenAPI document's security requirements.

import { PASSWORD_MAX_LENGTH, STAFF_ROLES } from '../../../domain/staff/staff.js';
import { KEY_SECURITY } from './api-v1-schemas.js';

/** A staff session, as a bearer token or as the cookie; see the security schemes in `openapi.ts`. */
export const SESSION_SECURITY: readonly Record<string, readonly string[]>[] = [{ staffSession: [] }, { staffCookie: [] }];
/** The agents' routes take either an integrator's key (scope `agents`) or a staff session. */
export const DESK_SECURITY: readonly Record<string, readonly string[]>[] = [...KEY_SECURITY, ...SESSION_SECURITY];

export const LOGIN_BODY_SCHEMA = {
  type: 'object',
  required: ['user', 'password'],
  additionalProperties: false,
  properties: {
    user: { type: 'string', minLength: 1, maxLength: 64, description: 'The staff id (`1001`, `sup-1`), as `hotline-gateway staff add` created it.' },
    // Longer than any password an account can have: a wrong one is refused as wrong, not as malformed.
    password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 },
  },
} as const;

const USER_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'role'],
  properties: {
    id: { type: 'string', description: "The staff id; an agent's is also their agent id in the queue." },
    name: { type: 'string', description: 'As the desktop shows it (`王芳`).' },
    role: { type: 'string', enum: [...STAFF_ROLES] },
  },
} as const;

export const LOGIN_REPLY_SCHEMA = {
  type: 'object',
  required: ['token', 'expiresAt', 'user'],
  properties: {
    token: { type: 'string', pattern: '^hs1_', description: 'The session: send it as `Authorization: Bearer <token>`. Browsers get it as the `hotline_staff` cookie too. Shown only here.' },
    expiresAt: { type: 'string', format: 'date-time', description: 'When the session ends (`STAFF_SESSION_TTL` after login).' },
    user: USER_SCHEMA,
  },
} as const;

export const CURRENT_SESSION_SCHEMA = {
  type: 'object',
  required: ['id', 'createdAt', 'expiresAt', 'user'],
  properties: {
    id: { type: 'string', description: "The session's public id (as logs name it); not the token." },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    user: USER_SCHEMA,
  },
} as const;

export const SET_COOKIE_HEADER = {
  'set-cookie': {
    type: 'string',
    description: '`hotline_staff=<token>; HttpOnly; SameSite=Strict; Path=/; Max-Age=<session seconds>` (`; Secure` per `STAFF_COOKIE_SECURE`).',
  },
} as const;
