// The host a request was sent to, read from a raw Node request exactly as fastify's `request.host` reads it: the
// `X-Forwarded-Host` a trusted proxy set, else `Host`. Connection upgrades (the desk's WebSocket) never reach
// fastify's routes, yet must compare the page's Origin with the same host the routes see, or a gateway behind a
// proxy would refuse its own pages' sockets (or, trusting the header from anyone, accept a forged one).

import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** `trustProxy` as the HTTP server takes it (HTTP_TRUST_PROXY): true, false, a hop count, or addresses/CIDRs. */
export function requestHostReader(trustProxy: boolean | number | string): (request: IncomingMessage) => string {
  const trusted = trustedPeer(trustProxy);
  return (request) => {
    const forwarded = request.headers['x-forwarded-host'];
    const value = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
    if (value !== undefined && value !== '' && trusted(request.socket.remoteAddress)) {
      // The proxy nearest to the gateway appended the last entry: it is the one that is trusted.
      const last = value.lastIndexOf(',');
      return (last === -1 ? value : value.slice(last + 1)).trim();
    }
    return request.headers.host ?? '';
  };
}

/**
 * The client's address as fastify's `request.ip` reads it (proxy-addr's rule): the socket's peer, or, walking
 * X-Forwarded-For back from it, the first address that is not a trusted proxy (with a hop count, that many hops).
 */
export function requestClientReader(trustProxy: boolean | number | string): (request: IncomingMessage) => string {
  const trusted = trustedPeer(trustProxy);
  return (request) => {
    const peer = request.socket.remoteAddress ?? 'unknown';
    const header = request.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header.join(',') : header;
    if (value === undefined || value === '' || trustProxy === false || trustProxy === 0) return peer;
    // Nearest first: the peer, then the header's entries from its end.
    const chain = [peer, ...value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').reverse()];
    if (typeof trustProxy === 'number') return chain[Math.min(trustProxy, chain.length - 1)] as string;
    let hop = 0;
    while (hop < chain.length - 1 && trusted(chain[hop])) hop += 1;
    return chain[hop] as string;
  };
}

/** Whether the immediate peer is a proxy whose forwarded headers are believed (fastify's rule for `host`). */
function trustedPeer(trustProxy: boolean | number | string): (address: string | undefined) => boolean {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  // The HTTP server turns a hop count into "trust the n nearest hops": the peer is the nearest.
  if (typeof trustProxy === 'number') return () => trustProxy > 0;
  const list = new BlockList();
  for (const entry of trustProxy.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [address = '', bits] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    if (address === undefined || isIP(address) === 0) return false;
    return list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  };
}
