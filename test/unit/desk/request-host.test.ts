// The host a desk socket's upgrade compares the page's Origin with: the one the request was sent to, a trusted
// proxy's X-Forwarded-Host as the HTTP routes read it. (The Origin check and the cookie are staff-credentials.ts's.)

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestHostReader } from '../../../src/adapters/http/request-host.js';

function request(headers: Record<string, string>, remoteAddress: string): IncomingMessage {
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe('the host a desk socket was opened on', () => {
  const forwarded = { host: '10.0.0.5:3000', 'x-forwarded-host': 'evil.example, hotline.example.gov.cn' };

  it('is Host when no proxy is trusted, whatever X-Forwarded-Host says', () => {
    expect(requestHostReader(false)(request(forwarded, '10.0.0.9'))).toBe('10.0.0.5:3000');
    expect(requestHostReader(0)(request(forwarded, '10.0.0.9'))).toBe('10.0.0.5:3000');
  });

  it('is the last X-Forwarded-Host from a trusted proxy (true, a hop count, or its address in the list)', () => {
    expect(requestHostReader(true)(request(forwarded, '10.0.0.9'))).toBe('hotline.example.gov.cn');
    expect(requestHostReader(1)(request(forwarded, '10.0.0.9'))).toBe('hotline.example.gov.cn');
    expect(requestHostReader('10.0.0.0/24, 192.168.1.1')(request(forwarded, '::ffff:10.0.0.9'))).toBe('hotline.example.gov.cn');
    expect(requestHostReader('10.0.0.0/24, 192.168.1.1')(request(forwarded, '192.168.1.1'))).toBe('hotline.example.gov.cn');
  });

  it('is Host from a peer that is not in the trusted list', () => {
    expect(requestHostReader('10.0.0.0/24')(request(forwarded, '10.0.1.9'))).toBe('10.0.0.5:3000');
    expect(requestHostReader('10.0.0.0/24')(request({ host: 'gw:80' }, '10.0.0.9'))).toBe('gw:80');
  });
});
