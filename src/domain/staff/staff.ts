// The hotline's staff as the desktop and the agents' API know them: agents, who take calls, and supervisors, who
// watch the floor and may log an agent out or pause them. An agent's staff id is their agent id in the queue, so a
// session can only ever act for the agent it was opened by.

export const STAFF_ROLES = ['agent', 'supervisor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Staff ids as a call centre numbers its seats (`1001`, `agent-17`): the same rule as agent ids. */
export const STAFF_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export const PASSWORD_MIN_LENGTH = 10;
/** scrypt takes any length; a bound keeps a login request from costing more than a login. */
export const PASSWORD_MAX_LENGTH = 200;

export interface StaffAccount {
  readonly id: string;
  /** Shown on the desktop and the supervisor view (`王芳`, `Li Wei`). */
  readonly name: string;
  readonly role: StaffRole;
  /** `scrypt$N$r$p$salt$hash`, as the password hasher writes it; never the password. */
  readonly passwordHash: string;
  /** A disabled account cannot log in, and its sessions end. */
  readonly disabled: boolean;
  /** An agent's phone (`PJSIP/1001`), offered when they log in to the queue from the desktop. */
  readonly endpoint: string | null;
  /** An agent's skills (`consultation:5,complaint:3`), offered the same way. */
  readonly skills: string | null;
  readonly updatedAt: number;
}

/** What a valid session token stands for. */
export interface StaffSession {
  /** Public id of the session (in logs and the session list), never the token. */
  readonly id: string;
  readonly userId: string;
  readonly role: StaffRole;
  readonly name: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value);
}

/** Why a staff id cannot be used, or null. */
export function staffIdProblem(id: string): string | null {
  return STAFF_ID.test(id) ? null : '1-64 letters, digits, _ . or -, starting with a letter or digit';
}

/** Why a new password cannot be used, or null. Length is what matters; no composition rules (NIST SP 800-63B). */
export function passwordProblem(password: string, userId: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim().toLowerCase() === userId.toLowerCase()) return 'must not be the staff id';
  return null;
}

/** Why a display name cannot be used, or null. */
export function staffNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'required';
  if ([...trimmed].length > 80) return 'at most 80 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f<>]/.test(trimmed)) return 'no control characters, < or >';
  return null;
}
