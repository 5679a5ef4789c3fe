import { createServer, type Server, type Socket } from 'node:net';
import { AmiParser, type AmiMessage } from '../../../src/adapters/ami/ami-codec.js';

/** One accepted AMI connection: the actions it sent, and raw writes back. */
export interface ScriptedSession {
  readonly socket: Socket;
  /** Resolves with the next action the client sends (in order). */
  nextAction(): Promise<AmiMessage>;
  /** Writes raw text, so tests can send what no real Asterisk would. */
  write(text: string): void;
  /** Answers an action with `Response: Success` and its ActionID, plus extra raw lines. */
  succeed(action: AmiMessage, extra?: string): void;
}

/**
 * An AMI peer driven step by step by a test, for what the simulator cannot do: talk garbage, or hang
 * without ever closing its side (allowHalfOpen, like a frozen Asterisk whose kernel still ACKs).
 */
export class ScriptedAmiPeer {
  private readonly server: Server;
  private readonly accepted: ScriptedSession[] = [];
  private wake: (() => void) | undefined;

  private constructor(readonly port: number, server: Server) {
    this.server = server;
  }

  static async start(): Promise<ScriptedAmiPeer> {
    const server = createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('scripted AMI peer has no TCP address');
    const peer = new ScriptedAmiPeer(address.port, server);
    server.on('connection', (socket) => peer.accept(socket));
    return peer;
  }

  /** Resolves with the n-th connection (0-based) once it has been accepted. */
  async session(index: number): Promise<ScriptedSession> {
    for (;;) {
      const session = this.accepted[index];
      if (session) return session;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Accepts the n-th connection and logs it in, as Asterisk would. */
  async loggedIn(index: number): Promise<ScriptedSession> {
    const session = await this.session(index);
    const login = await session.nextAction();
    if (login.get('Action')?.toLowerCase() !== 'login') throw new Error(`expected Login first, got ${login.get('Action')}`);
    session.succeed(login, 'Message: Authentication accepted\r\n');
    return session;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const session of this.accepted) session.socket.destroy();
    await closed;
  }

  private accept(socket: Socket): void {
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    const parser = new AmiParser({ expectBanner: false });
    const actions: AmiMessage[] = [];
    let actionArrived: (() => void) | undefined;
    socket.on('data', (chunk: string) => {
      for (const frame of parser.push(chunk)) if (frame.kind === 'message') actions.push(frame.message);
      actionArrived?.();
    });
    const write = (text: string): void => {
      if (!socket.destroyed) socket.write(text);
    };
    this.accepted.push({
      socket,
      async nextAction() {
        while (actions.length === 0) await new Promise<void>((resolve) => (actionArrived = resolve));
        return actions.shift() as AmiMessage;
      },
      write,
      succeed(action, extra = '') {
        write(`Response: Success\r\nActionID: ${action.get('ActionID') ?? ''}\r\n${extra}\r\n`);
      },
    });
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    this.wake?.();
  }
}
