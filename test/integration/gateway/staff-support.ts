// What the staff tests share: accounts on the running gateway, logging in over HTTP, and requests carrying a session
// the way the desktop (cookie, Origin) or a program (bearer token) sends it.

import { Writable } from 'node:stream';
import type { StaffAuth } from '../../../src/app/staff/staff-auth.js';
import type { Harness } from './harness.js';

/** Cheap enough for tests that hash dozens of passwords; production's default is 15. */
export const TEST_SCRYPT_COST = '10';

export function staffOf(h: Harness): StaffAuth {
  const staff = h.gateway.staff;
  if (staff === null) throw new Error('staff sign-in is off (ACD=off)');
  return staff;
}

export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface Credentials {
  /** `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** The session cookie, as a browser would attach it. */
  readonly cookie?: string;
  readonly apiKey?: string;
  readonly origin?: string;
  readonly referer?: string;
}

export async function send<T = Record<string, unknown>>(h: Harness, method: string, path: string, credentials: Credentials = {}, body?: unknown): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (credentials.token !== undefined) headers['authorization'] = `Bearer ${credentials.token}`;
  if (credentials.apiKey !== undefined) headers['x-api-key'] = credentials.apiKey;
  if (credentials.cookie !== undefined) headers['cookie'] = `theme=dark; hotline_staff=${credentials.cookie}`;
  if (credentials.origin !== undefined) headers['origin'] = credentials.origin;
  if (credentials.referer !== undefined) headers['referer'] = credentials.referer;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${h.gateway.httpUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as T, headers: response.headers };
}

export interface Login {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: { readonly id: string; readonly name: string; readonly role: string };
}

/** Logs in over HTTP and returns the session; fails the test unless the login is accepted. */
export async function login(h: Harness, user: string, password: string): Promise<Login> {
  const reply = await send<Login>(h, 'POST', '/v1/sessions', {}, { user, password });
  if (reply.status !== 201) throw new Error(`login of ${user} refused: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** A log destination keeping every line, to read what the gateway logged (and what it never did). */
export class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = chunk.toString();
    this.text += text;
    for (const line of text.split('\n').filter((l) => l.trim() !== '')) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }

  find(msg: string): Record<string, unknown>[] {
    return this.lines.filter((line) => line['msg'] === msg);
  }
}
