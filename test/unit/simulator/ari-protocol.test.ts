import { describe, expect, it } from 'vitest';
import { formatAriTime } from '../../../src/simulator/ari-time.js';
import { parseCallerId, parseEndpoint } from '../../../src/simulator/engine/asterisk-engine.js';
import { mediaDurationMs } from '../../../src/simulator/engine/media.js';
import { AriError } from '../../../src/simulator/errors.js';
import { OPERATIONS } from '../../../src/simulator/api/operations.js';
import { AriParams } from '../../../src/simulator/http/ari-params.js';
import { AriRouter } from '../../../src/simulator/http/ari-router.js';
import { ARI_HANDLERS } from '../../../src/simulator/http/ari-handlers.js';
import { MemorySoundCatalog } from '../../../src/simulator/sounds/sound-catalog.js';

describe('formatAriTime', () => {
  it('formats like Asterisk: milliseconds and a +0000 offset', () => {
    expect(formatAriTime(Date.UTC(2026, 10, 21, 23, 16, 16, 428))).toBe('2026-11-21T23:16:16.428+0000');
  });
});

describe('AriRouter', () => {
  const router = new AriRouter();
  it('prefers literal segments over path parameters', () => {
    expect(router.match('POST', '/channels/create').op.nickname).toBe('create');
    expect(router.match('POST', '/channels/abc').op.nickname).toBe('originateWithId');
    expect(router.match('POST', '/channels/1.2/play/pb-1').pathParams).toEqual({ channelId: '1.2', playbackId: 'pb-1' });
  });

  it('answers 405 for a known path with another method and 404 for unknown paths', () => {
    expect(() => router.match('PUT', '/channels')).toThrow(expect.objectContaining({ status: 405 }));
    expect(() => router.match('GET', '/mailboxes')).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('has a handler for every described operation', () => {
    for (const op of OPERATIONS.filter((o) => !o.upgrade)) expect(ARI_HANDLERS[`${op.resource}.${op.nickname}`], op.nickname).toBeDefined();
  });
});

describe('AriParams', () => {
  const play = OPERATIONS.find((o) => o.nickname === 'play' && o.resource === 'channels');
  const hangup = OPERATIONS.find((o) => o.nickname === 'hangup');

  it('splits allowMultiple values on commas and accepts repeated keys and JSON bodies', () => {
    const params = new AriParams(new URLSearchParams('media=sound:a,digits:12&media=sound:b'), { media: ['sound:c'] }, {});
    expect(params.list('media')).toEqual(['sound:a', 'digits:12', 'sound:b', 'sound:c']);
    expect(new AriParams(new URLSearchParams(), { timeout: 30 }, {}).int('timeout')).toBe(30);
  });

  it('rejects missing required parameters and values outside the allowed list', () => {
    expect(() => new AriParams(new URLSearchParams(), null, {}).validate(play!)).toThrow(AriError);
    expect(() => new AriParams(new URLSearchParams('reason=because'), null, {}).validate(hangup!)).toThrow(/Invalid reason for hangup provided/);
    expect(() => new AriParams(new URLSearchParams('timeout=soon'), null, {}).int('timeout')).toThrow(AriError);
  });
});

describe('call model helpers', () => {
  it('parses caller ids as Asterisk does', () => {
    expect(parseCallerId('"ARI Caller" <5559876>')).toEqual({ name: 'ARI Caller', number: '5559876' });
    expect(parseCallerId('Test Caller <5551234>')).toEqual({ name: 'Test Caller', number: '5551234' });
    expect(parseCallerId('13800138000')).toEqual({ name: '', number: '13800138000' });
  });

  it('names PJSIP channels after the endpoint and keeps the dial string', () => {
    expect(parseEndpoint('PJSIP/110@psap-police')).toEqual({ tech: 'PJSIP', resource: '110@psap-police', nameBase: 'psap-police' });
    expect(parseEndpoint('PJSIP/agent1')?.nameBase).toBe('agent1');
    expect(parseEndpoint('nonsense')).toBeUndefined();
  });

  it('times media: sounds from the catalog, digits per character, unknown schemes unplayable', () => {
    const ctx = { sounds: new MemorySoundCatalog({ 'hello-world': 1200 }), msPerDigit: 100, storedRecording: () => undefined };
    expect(mediaDurationMs('sound:hello-world', 'en', ctx)).toBe(1200);
    expect(mediaDurationMs('digits:123', 'en', ctx)).toBe(300);
    expect(mediaDurationMs('sound:missing', 'en', ctx)).toBeUndefined();
    expect(mediaDurationMs('video:x', 'en', ctx)).toBe('skipped');
    expect(mediaDurationMs('tone:ring', 'en', ctx)).toBe(Number.POSITIVE_INFINITY);
  });
});
