// Before the gateway opens anything, every port it will listen on is tried once: a second instance (or anything
// else on the port) stops the start at once with the port and the variable that moves it, instead of failing
// later, after Redis and the Asterisk link are up, with a bare EADDRINUSE.

import { createServer } from 'node:net';

export interface PlannedListener {
  readonly host: string;
  /** 0 lets the OS choose: nothing to check. */
  readonly port: number;
  /** The environment variable that sets this port, named in the error. */
  readonly variable: string;
}

export interface UnavailablePort extends PlannedListener {
  /** `EADDRINUSE`, `EACCES`, `EADDRNOTAVAIL`... */
  readonly errorCode: string;
}

export class PortUnavailableError extends Error {
  readonly code = 'PORT_UNAVAILABLE';

  constructor(readonly ports: readonly UnavailablePort[]) {
    super(describe(ports));
    this.name = 'PortUnavailableError';
  }
}

/** One sentence for the ports in use (the usual case: a second gateway), one for each other problem. */
function describe(ports: readonly UnavailablePort[]): string {
  const where = (p: UnavailablePort): string => `${p.host}:${p.port} (${p.variable})`;
  const inUse = ports.filter((p) => p.errorCode === 'EADDRINUSE');
  const sentences = inUse.length === 0 ? [] : [
    `${inUse.length === 1 ? 'port' : 'ports'} already in use: ${inUse.map(where).join(', ')}. Is another gateway running? Stop it, or set ${inUse.map((p) => p.variable).join(', ')} to a free port${inUse.length === 1 ? '' : ' each'}`,
  ];
  for (const p of ports.filter((q) => q.errorCode !== 'EADDRINUSE')) {
    sentences.push(p.errorCode === 'EACCES' ? `not allowed to listen on ${where(p)}: choose a port above 1023` : `cannot listen on ${where(p)}: ${p.errorCode}`);
  }
  return sentences.join('. ');
}

/** Resolves when every listener's port can be bound now; throws `PortUnavailableError` naming each one that cannot. */
export async function ensurePortsFree(listeners: readonly PlannedListener[]): Promise<void> {
  const problems = await Promise.all(listeners.filter((l) => l.port !== 0).map(tryListen));
  const unavailable = problems.filter((p): p is UnavailablePort => p !== null);
  if (unavailable.length > 0) throw new PortUnavailableError(unavailable);
}

function tryListen(listener: PlannedListener): Promise<UnavailablePort | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve({ ...listener, errorCode: err.code ?? err.message }));
    server.listen({ host: listener.host, port: listener.port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}
