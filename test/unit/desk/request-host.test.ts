// The host a desk socket's upgrade compares the page's Origin with: the one the request was sent to, a trusted
// proxy's X-Forwarded-Host as the HTTP routes read it. (The Origin check and the cookie are staff-credentials.ts's.)

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestClientReader, requestHostReader } from '../../../src/adapters/http/request-host.js';

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

describe('the client a desk socket is counted against', () => {
  const forwarded = { host: 'gw:80', 'x-forwarded-for': '203.0.113.7, 10.0.0.8' };

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(requestClientReader(false)(request(forwarded, '10.0.0.9'))).toBe('10.0.0.9');
    expect(requestClientReader(0)(request(forwarded, '10.0.0.9'))).toBe('10.0.0.9');
    expect(requestClientReader(true)(request({ host: 'gw:80' }, '10.0.0.9'))).toBe('10.0.0.9');
  });

  it('walks X-Forwarded-For back past the trusted proxies only', () => {
    // Everything trusted: the furthest address, as fastify's request.ip.
    expect(requestClientReader(true)(request(forwarded, '10.0.0.9'))).toBe('203.0.113.7');
    // One hop: the address the nearest proxy saw.
    expect(requestClientReader(1)(request(forwarded, '10.0.0.9'))).toBe('10.0.0.8');
    expect(requestClientReader(5)(request(forwarded, '10.0.0.9'))).toBe('203.0.113.7');
    // Both proxies are in the list: the client behind them.
    expect(requestClientReader('10.0.0.0/24')(request(forwarded, '10.0.0.9'))).toBe('203.0.113.7');
    // A peer outside the list cannot speak for anyone: its header is ignored.
    expect(requestClientReader('10.0.0.0/24')(request(forwarded, '198.51.100.1'))).toBe('198.51.100.1');
    // A forged entry in front of the real client does not move the answer past the first untrusted hop.
    expect(requestClientReader('10.0.0.9')(request({ host: 'gw', 'x-forwarded-for': '10.0.0.9, 198.51.100.2' }, '10.0.0.9'))).toBe('198.51.100.2');
  });
});
