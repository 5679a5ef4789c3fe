// Types for asterisk-manager 0.2.0 (lib/ami.js), which ships none. Only what the package really does is
// declared here, including its quirks, because AmiClient relies on them.
declare module 'asterisk-manager' {
  import type { NetConnectOpts } from 'node:net';

  namespace Manager {
    /**
     * A parsed AMI message. Keys are lower-cased and trimmed; the value is everything after the first ': '.
     * A key that occurs more than once becomes an array; `variable` and `chanvariable` lines become an
     * object of `NAME=value` pairs. A line without ': ' becomes a key with an empty value (no error).
     */
    type ManagerValue = string | string[] | Record<string, string>;
    type ManagerMessage = Record<string, ManagerValue | undefined>;

    /**
     * An action. Keys are lower-cased, then their first letter is upper-cased (`callerid` → `Callerid`;
     * Asterisk reads headers case-insensitively). `actionid` is taken as the ActionID. An object value
     * becomes one `Key: name=value` line per entry (Originate's Variable); an array is joined with commas.
     * Values are written verbatim: nothing stops a CR/LF in a value from starting a new header.
     */
    type ManagerAction = Record<string, string | number | readonly string[] | Readonly<Record<string, string>> | undefined>;

    type ActionCallback = (error: ManagerMessage | undefined, response: ManagerMessage) => void;

    interface ManagerInstance {
      readonly options: { readonly port: unknown; readonly host: string; readonly username: string; readonly events: boolean };
      /**
       * Opens the socket: `port` and `host` go to `net.createConnection(port, host)` as they are, so `port`
       * may be a connect-options object. `callback` runs on the socket's 'connect'. Does nothing if the
       * instance already has an open socket.
       */
      connect(port: number | NetConnectOpts, host: string, callback?: (error: null) => void): void;
      /** Sends Login (with `Event: on|off`, not the `Events:` Asterisk reads); the callback gets the Error response. */
      login(callback?: (error?: ManagerMessage) => void): void;
      /**
       * Sends an action and calls back once with its response (matched by ActionID). Before a successful
       * login, actions other than `login` are held without a timeout; with no socket it logs to the console
       * and holds the action. Returns the ActionID used.
       */
      action(action: ManagerAction, callback?: ActionCallback): string;
      /** `end()`s the socket if it is open (never destroys it) and forgets it. */
      disconnect(callback?: () => void): void;
      isConnected(): boolean | undefined;
      /** Its own reconnect loop (10–60 s, announced with console.log). */
      keepConnected(): void;

      /** Every parsed message, synchronously as it is read (dispatch to the other events happens on later ticks). */
      on(event: 'rawevent', listener: (message: ManagerMessage) => void): this;
      /** Every message with an `Event` header. */
      on(event: 'managerevent', listener: (event: ManagerMessage) => void): this;
      /** Every message with `Response` and `ActionID`. */
      on(event: 'response', listener: (response: ManagerMessage) => void): this;
      /** Messages that are neither an event nor a response carrying an ActionID. */
      on(event: 'asterisk', listener: (message: ManagerMessage) => void): this;
      /** Socket errors; the package itself listens with a no-op, so this never throws. */
      on(event: 'error', listener: (error: Error) => void): this;
      on(event: 'close', listener: (hadError: boolean) => void): this;
      on(event: 'connect' | 'end', listener: () => void): this;
      /** An ActionID (the action's response) or a lower-cased event name. */
      on(event: string, listener: (...args: never[]) => void): this;
      once(event: 'close', listener: (hadError: boolean) => void): this;
      once(event: string, listener: (...args: never[]) => void): this;
      removeListener(event: string, listener: (...args: never[]) => void): this;
      removeAllListeners(event?: string): this;
      listeners(event: string): Array<(...args: never[]) => void>;
      emit(event: string, ...args: unknown[]): boolean;
    }
  }

  /** Creates a manager; with a `port` it connects (and logs in if a username is given) at once. */
  function Manager(port: number | undefined, host: string, username: string, password: string, events: boolean): Manager.ManagerInstance;

  export = Manager;
}
