// The gateway's AMI client (src/adapters/ami/ami-client.ts, on asterisk-manager) against a peer that speaks
// garbage: a damaged greeting, a damaged or foreign Login answer, then events and lines that are not AMI, cut
// into arbitrary chunks. Whatever arrives, connecting settles (logged in or refused), a Ping settles, close()
// settles, and nothing is thrown outside those promises; a peer that speaks proper AMI gets a working link.

import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { AmiClient } from '../../../src/adapters/ami/ami-client.js';
import { AmiParser, AmiProtocolError } from '../../../src/adapters/ami/ami-codec.js';
import type { Log } from '../../../src/app/app-ports.js';
import { FuzzViolation } from '../fuzz-target.js';
import type { FuzzSession } from '../fuzz-target.js';
import { AMI_SNIPPETS, amiStream, chunked } from '../support/ami-inputs.js';
import { textMutations } from '../support/arbitraries.js';
import { ErrorTally } from '../support/error-tally.js';

const BANNER = 'Asterisk Call Manager/11.0.0\r\n';
const LOGIN_OK = 'Response: Success\r\nActionID: {id}\r\nMessage: Authentication accepted\r\n\r\n';

interface Script {
  readonly banner: string;
  readonly loginReply: string;
  readonly afterLogin: readonly string[];
  /** The peer speaks proper AMI: the link must come up and answer a Ping. */
  readonly valid: boolean;
}

function scripts(): Arbitrary<Script> {
  const banner = fc.oneof({ weight: 5, arbitrary: fc.constant({ text: BANNER, valid: true }) }, { weight: 1, arbitrary: textMutations(BANNER, AMI_SNIPPETS).map((text) => ({ text, valid: false })) });
  const loginReply = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ text: LOGIN_OK, valid: true }) },
    { weight: 3, arbitrary: textMutations(LOGIN_OK, AMI_SNIPPETS).map((text) => ({ text, valid: false })) },
    { weight: 1, arbitrary: fc.constantFrom('Response: Error\r\nActionID: {id}\r\nMessage: Authentication failed\r\n\r\n', 'Response: Success\r\nActionID: other\r\n\r\n', '').map((text) => ({ text, valid: false })) },
    { weight: 1, arbitrary: amiStream().map((text) => ({ text, valid: false })) },
  );
  const afterLogin = fc.oneof(
    { weight: 1, arbitrary: fc.constant({ chunks: [] as string[], valid: true }) },
    { weight: 4, arbitrary: amiStream().chain(chunked).map((chunks) => ({ chunks, valid: false })) },
  );
  return fc.record({ banner, loginReply, afterLogin }).map(
    (r): Script => ({ banner: r.banner.text, loginReply: r.loginReply.text, afterLogin: r.afterLogin.chunks, valid: r.banner.valid && r.loginReply.valid && r.afterLogin.valid }),
  );
}

/** A peer that plays the current script to every connection: greeting, Login answer, then the rest. */
class GarbagePeer {
  script: Script | null = null;
  private readonly sockets = new Set<Socket>();
  private closed: (() => void) | null = null;

  /** Resolves when a connection of the current script closes: the client gave up on the peer's garbage. */
  nextClose(): Promise<void> {
    return new Promise((resolve) => (this.closed = resolve));
  }

  constructor(readonly server: Server) {
    server.on('connection', (socket) => this.serve(socket));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    // Only this input's connections count: the previous client's socket may report its close late.
    const notify = this.closed;
    socket.on('close', () => {
      this.sockets.delete(socket);
      notify?.();
    });
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    const script = this.script;
    if (script === null) return void socket.destroy();
    socket.write(script.banner);
    const parser = new AmiParser({ expectBanner: false });
    socket.on('data', (chunk: string) => {
      let frames;
      try {
        frames = parser.push(chunk);
      } catch (err) {
        if (err instanceof AmiProtocolError) return void socket.destroy();
        throw err;
      }
      for (const frame of frames) {
        if (frame.kind !== 'message' || socket.destroyed) continue;
        const name = (frame.message.get('Action') ?? '').toLowerCase();
        const id = frame.message.get('ActionID') ?? '';
        if (name === 'login') {
          socket.write(script.loginReply.replaceAll('{id}', id));
          for (const chunk of script.afterLogin) if (!socket.destroyed) socket.write(chunk);
        } else if (name === 'logoff') {
          socket.end(`Response: Goodbye\r\nActionID: ${id}\r\nMessage: Thanks for all the fish.\r\n\r\n`);
        } else if (name === 'ping') {
          socket.write(`Response: Success\r\nActionID: ${id}\r\nPing: Pong\r\nTimestamp: 1.0\r\n\r\n`);
        } else {
          socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: OK\r\n\r\n`);
        }
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function start(): Promise<FuzzSession<Script>> {
  const server = createServer();
  const peer = new GarbagePeer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the AMI peer has no TCP address');
  const errors = new ErrorTally();
  return {
    arbitrary: scripts(),
    check: async (script) => {
      peer.script = script;
      const dropped = peer.nextClose().then(() => false);
      // How long the client waits for answers. Garbage that is neither an answer nor a broken line leaves the client
      // waiting for its Login answer until this runs out, which is right, so it is short for scripts expected to fail.
      const patience = script.valid ? 3_000 : 120;
      const client = new AmiClient({
        host: '127.0.0.1',
        port: address.port,
        username: 'fuzz',
        secret: 'fuzz-secret',
        log: errors.log as Log,
        pingIntervalMs: 60_000,
        pingTimeoutMs: patience,
        actionTimeoutMs: patience,
        connectTimeoutMs: patience,
        reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      });
      const problems: string[] = [];
      try {
        // Logged in, refused, or the client dropped the connection (it then retries after a minute): each settles.
        const connecting = client.connect(patience * 2).then(
          () => true,
          (err: unknown) => {
            if (!(err instanceof Error)) problems.push(`connect rejected with a non-Error: ${String(err)}`);
            return false;
          },
        );
        const connected = await Promise.race([connecting, dropped]);
        if (script.valid && !connected) problems.push('a peer speaking proper AMI was not connected to');
        if (connected) {
          const pinged = await Promise.race([dropped, client.ping().then(
            () => true,
            (err: unknown) => {
              if (!(err instanceof Error)) problems.push(`ping rejected with a non-Error: ${String(err)}`);
              return false;
            },
          )]);
          if (script.valid && !pinged) problems.push('a peer speaking proper AMI did not get a Ping through');
        }
      } finally {
        await client.close();
      }
      if (problems.length > 0) throw new FuzzViolation(problems.join('; '));
    },
    close: () => peer.close(),
  };
}
