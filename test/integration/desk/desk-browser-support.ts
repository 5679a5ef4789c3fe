// What the desk pages' browser test shares: Chromium's place, where screenshots go, watching a page for script
// errors and CSP violations, signing in through the page's own form, and a page's desk socket the test can cut.

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Page, WebSocketRoute } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

/** Waits long enough for a loaded machine: the queue, Redis and the simulator are real. */
export const WAIT = { timeout: 15_000 } as const;

/** `DESK_SCREENSHOTS_DIR` when set (kept), else a temporary folder (removed by `done`). */
export async function screenshotsDir(): Promise<{ dir: string; done(): Promise<void> }> {
  const wanted = process.env['DESK_SCREENSHOTS_DIR'];
  if (wanted !== undefined && wanted !== '') {
    const dir = resolve(wanted);
    await mkdir(dir, { recursive: true });
    return { dir, done: async () => {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'desk-screenshots-'));
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Collects what would show a broken page: script errors, console errors (Chromium reports CSP violations there) and
 * CSP violation events. Refusals the test asks for (401 and 429 from the session API) are the only console errors let through.
 */
export function watch(page: Page, name: string, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`${name}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    if (/status of (401|429)/.test(message.text()) && /\/v1\/sessions(\/current)?$/.test(url)) return;
    problems.push(`${name}: ${message.text()} (${url})`);
  });
}

/** Reports every CSP violation of the context's pages to their console (the test's `watch` fails on it). */
export const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (event) => console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`;

/** Fills the page's login form and sends it. */
export async function signIn(page: Page, user: string, password: string): Promise<void> {
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}

/** Every control on the page has a label (visible or not). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea')]
    .filter((control) => control.labels === null || control.labels.length === 0)
    .map((control) => control.id || control.name)`);
}

/**
 * The page's desk sockets pass through the test, which can cut them as a network would, and keep the page from
 * reconnecting until it lets it.
 */
export class SocketCutter {
  private readonly open = new Map<WebSocketRoute, WebSocketRoute>();
  private blocked = false;

  async attach(page: Page): Promise<void> {
    await page.routeWebSocket(/\/desk\/socket$/, (ws) => {
      if (this.blocked) {
        void ws.close(DROPPED);
        return;
      }
      const server = ws.connectToServer();
      this.open.set(ws, server);
      // With a close handler the page's own closes are no longer passed on: pass them on.
      ws.onClose((code, reason) => {
        this.open.delete(ws);
        void server.close({ ...(code === undefined ? {} : { code }), ...(reason === undefined ? {} : { reason }) });
      });
      server.onClose((code, reason) => {
        this.open.delete(ws);
        void ws.close({ ...(code === undefined ? {} : { code }), ...(reason === undefined ? {} : { reason }) });
      });
    });
  }

  /** Drops every open socket, both ends, and refuses new ones until `restore`. */
  cut(): void {
    this.blocked = true;
    for (const [page, server] of this.open) {
      void server.close();
      void page.close(DROPPED);
    }
    this.open.clear();
  }

  restore(): void {
    this.blocked = false;
  }
}

const DROPPED = { code: 4000, reason: 'network down (test)' } as const;

export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.textContent(selector)) ?? '').trim();
}

/** Waits until `selector` shows `expected` (the pages change when the server says so, not when the test acts). */
export async function shows(page: Page, selector: string, expected: string | RegExp): Promise<void> {
  const poll = expect.poll(() => textOf(page, selector), WAIT);
  if (typeof expected === 'string') await poll.toBe(expected);
  else await poll.toMatch(expected);
}
