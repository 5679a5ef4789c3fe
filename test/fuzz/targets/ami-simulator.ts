// The simulator's AMI server (src/simulator/ami), over a real socket: each input is one connection that sends
// actions (well formed, mutated, or raw garbage, cut into arbitrary chunks), then a probe Ping. The server must
// answer the probe or close the connection (never leave the client hanging), write only well-formed AMI (its
// output read back with the strict parser), and keep serving new connections.

import { connect } from 'node:net';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import { AmiParser, formatAmiMessage } from '../../../src/adapters/ami/ami-codec.js';
import type { AmiHeaderInput } from '../../../src/adapters/ami/ami-codec.js';
import { startAmiServer } from '../../../src/simulator/ami/ami-server.js';
import { MemoryBackend } from '../../integration/ami/memory-backend.js';
import { FuzzViolation } from '../fuzz-target.js';
import type { FuzzSession } from '../fuzz-target.js';
import { AMI_SNIPPETS, amiStream, chunked } from '../support/ami-inputs.js';
import { nastyString, textMutations } from '../support/arbitraries.js';

const USER = 'fuzz';
const SECRET = 'fuzz-secret';
const LOGIN = `Action: Login\r\nUsername: ${USER}\r\nSecret: ${SECRET}\r\nActionID: login\r\n\r\n`;
const PROBE = 'Action: Ping\r\nActionID: fuzz-probe\r\n\r\n';
const CHANNEL = 'PJSIP/carrier-00000001';

const ACTIONS = ['Login', 'Logoff', 'Ping', 'Events', 'Filter', 'CoreShowChannels', 'Status', 'Redirect', 'Hangup', 'Getvar', 'Setvar', 'DeviceStateList', 'Originate', 'Command', 'Challenge', 'NoSuchAction'];
const HEADERS = ['ActionID', 'Channel', 'Variable', 'Value', 'Context', 'Exten', 'Priority', 'Cause', 'EventMask', 'Events', 'Filter', 'Operation', 'MatchCriteria', 'Username', 'Secret', 'ExtraChannel'];

function action(): Arbitrary<string> {
  const value = fc.oneof(fc.constantFrom(CHANNEL, 'on', 'off', 'call,system', 'add', '!Event: Newstate', '.*', '1', 'ivr-fallback', 'menu', 'HOTLINE_SKILL'), nastyString(30).map((v) => v.replace(/[\r\n]/g, '')));
  return fc
    .tuple(fc.constantFrom(...ACTIONS), fc.array(fc.tuple(fc.constantFrom(...HEADERS), value), { maxLength: 6 }))
    .map(([name, headers]) => {
      try {
        return formatAmiMessage([['Action', name], ...headers] as AmiHeaderInput[]);
      } catch {
        return `Action: ${name}\r\n\r\n`;
      }
    });
}

interface Connection {
  readonly login: boolean;
  readonly chunks: readonly string[];
}

function inputs(): Arbitrary<Connection> {
  const actions = fc.array(action(), { minLength: 1, maxLength: 5 }).map((list) => list.join(''));
  const stream = fc.oneof(
    { weight: 3, arbitrary: actions },
    { weight: 3, arbitrary: actions.chain((text) => textMutations(text, AMI_SNIPPETS)) },
    { weight: 1, arbitrary: amiStream() },
  );
  return fc.record({ login: fc.boolean(), text: stream }).chain((r) => chunked(r.text).map((chunks): Connection => ({ login: r.login, chunks })));
}

/** Sends one connection's input and resolves with everything the server wrote, once it answered the probe or closed. */
function converse(port: number, input: Connection): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    let text = '';
    let done = false;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ text, closed });
    };
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('ActionID: fuzz-probe')) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? finish(true) : reject(err)));
    socket.on('connect', () => {
      if (input.login) socket.write(LOGIN);
      for (const chunk of input.chunks) if (!socket.destroyed) socket.write(chunk);
      // A line left open by the input would swallow the probe's first line: end it first.
      if (!socket.destroyed) socket.write(`\r\n\r\n${PROBE}`);
    });
  });
}

export async function start(): Promise<FuzzSession<Connection>> {
  const backend = new MemoryBackend();
  backend.addChannel(CHANNEL);
  const server = await startAmiServer({ host: '127.0.0.1', port: 0, username: USER, secret: SECRET, backend });
  return {
    arbitrary: inputs(),
    check: async (input) => {
      const { text } = await converse(server.port, input);
      const reader = new AmiParser({ expectBanner: true, maxLineLength: 1024 * 1024 });
      try {
        reader.push(text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1));
      } catch (err) {
        throw new FuzzViolation(`the simulator wrote something that is not AMI: ${String(err)} in ${JSON.stringify(text.slice(0, 1500))}`);
      }
      // The server still takes a new connection after whatever this one did.
      const fresh = await converse(server.port, { login: true, chunks: [] });
      if (!fresh.text.includes('ActionID: fuzz-probe')) throw new FuzzViolation(`a fresh connection got no answer after this input: ${JSON.stringify(fresh.text.slice(0, 300))}`);
    },
    close: () => server.close(),
  };
}
