// swagger-client 2.0, which ari-client loads Asterisk's api-docs with, logs through a global `log` function it
// defines for itself (a sloppy-mode assignment) and that prints with console.log: on every connect it writes
// "This API is using a deprecated version of Swagger!" as a bare array, the one line on stdout that is not JSON.
// While a connect is in flight, that global is pointed at the connecting link's logger (at debug), and put back
// afterwards; console itself is never touched. Only this library's own global is borrowed, and only for the connect.

import type { Log } from '../../app/app-ports.js';

interface SwaggerGlobal {
  log?: unknown;
}

const holder = globalThis as SwaggerGlobal;
/** Links connecting now; swagger-client's lines go to the latest (which link a notice came from does not matter). */
const connecting: Log[] = [];
let original: { readonly present: boolean; readonly value: unknown } | null = null;

function toLog(...args: unknown[]): void {
  connecting.at(-1)?.debug({ swagger: args.map((arg) => (typeof arg === 'string' ? arg : String(arg))) }, 'swagger-client notice');
}

/** Runs `connect` with swagger-client's global `log` sent to `log.debug`. */
export async function withSwaggerLog<T>(log: Log, connect: () => Promise<T>): Promise<T> {
  if (connecting.length === 0) {
    original = { present: 'log' in holder, value: holder.log };
    holder.log = toLog;
  }
  connecting.push(log);
  try {
    return await connect();
  } finally {
    connecting.splice(connecting.lastIndexOf(log), 1);
    if (connecting.length === 0 && original !== null) {
      if (original.present) holder.log = original.value;
      else delete holder.log;
      original = null;
    }
  }
}
