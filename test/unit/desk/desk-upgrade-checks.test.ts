// What the desk socket's upgrade checks before any session is read: the page's Origin against the host the request
// was sent to (a trusted proxy's X-Forwarded-Host, as the HTTP routes read it), and the session cookie.

import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestHostReader } from '../../../src/adapters/http/request-host.js';
import { cookieValue, fromOwnSite } from '../../../src/adapters/ws/staff-cookie.js';

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

describe("a page's Origin", () => {
  it('is this site when it names the same host and port, default ports included', () => {
    expect(fromOwnSite('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
    expect(fromOwnSite('https://hotline.example.gov.cn', 'hotline.example.gov.cn:443')).toBe(true);
    expect(fromOwnSite('https://hotline.example.gov.cn', 'hotline.example.gov.cn')).toBe(true);
  });

  it('is another site for another host or port, `null`, another scheme, or no host to compare with', () => {
    expect(fromOwnSite('http://127.0.0.1:3001', '127.0.0.1:3000')).toBe(false);
    expect(fromOwnSite('https://evil.example', 'hotline.example.gov.cn')).toBe(false);
    expect(fromOwnSite('https://hotline.example.gov.cn.evil.example', 'hotline.example.gov.cn')).toBe(false);
    expect(fromOwnSite('null', 'hotline.example.gov.cn')).toBe(false);
    expect(fromOwnSite('file:///tmp/page.html', 'hotline.example.gov.cn')).toBe(false);
    expect(fromOwnSite('http://127.0.0.1:3000', '')).toBe(false);
  });
});

describe('the session cookie', () => {
  it('is read by name among others', () => {
    expect(cookieValue('a=1; hotline_staff=hs1_x; b=2', 'hotline_staff')).toBe('hs1_x');
    expect(cookieValue('hotline_staffx=1', 'hotline_staff')).toBeUndefined();
    expect(cookieValue(undefined, 'hotline_staff')).toBeUndefined();
  });
});
