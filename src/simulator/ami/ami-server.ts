import { createServer, type Socket } from 'node:net';
import { AmiParser, AmiProtocolError, formatAmiMessage, type AmiHeaderInput, type AmiMessage } from '../../adapters/ami/ami-codec.js';
import type { AmiBackend, AmiBackendEvent } from './ami-backend.js';
import { originateResponseHeaders, parseOriginate } from './ami-originate.js';
import { channelStateHeaders, formatDuration } from './ami-wire.js';

export interface AmiServerOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host: string;
  readonly username: string;
  readonly secret: string;
  readonly backend: AmiBackend;
  /** AMI protocol version in the greeting; Asterisk 22 says 11.0.0. */
  readonly version?: string;
}

export interface AmiServer {
  readonly port: number;
  /** Fault injection: every session open now stops answering and stops sending events, like a hung Asterisk. New sessions work. */
  stallSessions(): void;
  /** Authenticated sessions currently open. */
  sessionCount(): number;
  close(): Promise<void>;
}

interface Session {
  readonly socket: Socket;
  authenticated: boolean;
  /** Event classes the session is sent (send_events): a bit per class, as Asterisk keeps it. */
  eventMask: number;
  /** Session filters added with the Filter action: include (whitelist) and exclude (`!`, blacklist). */
  readonly includeFilters: RegExp[];
  readonly excludeFilters: RegExp[];
  stalled: boolean;
  /** Actions run one after another, as Asterisk's per-session thread does. */
  queue: Promise<void>;
}

type Reply = AmiHeaderInput[];

/**
 * A TCP AMI server speaking what Asterisk 22 speaks (see transcripts/ivr-call.ami.txt): greeting,
 * Login/Logoff, Ping, Events (event classes), Filter (regular-expression session filters), list actions with
 * `EventList: start` ... `EventList: Complete`, and the same error texts, with the ActionID echoed on every
 * response and on every event of a list. The simulated user may read and write every class.
 */
export async function startAmiServer(options: AmiServerOptions): Promise<AmiServer> {
  const version = options.version ?? '11.0.0';
  const startedAt = Date.now();
  const sessions = new Set<Session>();

  const write = (session: Session, headers: Reply): void => {
    if (!session.socket.destroyed && !session.stalled) session.socket.write(formatAmiMessage(headers));
  };

  const unsubscribe = options.backend.subscribe((event) => broadcast(eventHeaders(event)));

  /** An event to every session that takes its class and passes its filters. */
  function broadcast(headers: Reply): void {
    const category = categoryOf(headers);
    // Filters match the event as it goes on the wire; formatted only when some session has filters.
    let text: string | undefined;
    const textOf = (): string => (text ??= formatAmiMessage(headers));
    for (const session of sessions) {
      if (session.authenticated && (session.eventMask & category) === category && passesFilters(session, textOf)) write(session, headers);
    }
  }

  const server = createServer((socket) => {
    const session: Session = {
      socket,
      authenticated: false,
      eventMask: ALL_CLASSES,
      includeFilters: [],
      excludeFilters: [],
      stalled: false,
      queue: Promise.resolve(),
    };
    sessions.add(session);
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('close', () => sessions.delete(session));
    socket.on('error', () => socket.destroy());
    socket.write(`Asterisk Call Manager/${version}\r\n`);
    // Asterisk caps action lines at 1024 bytes.
    const parser = new AmiParser({ expectBanner: false, maxLineLength: 1024, maxHeaders: 128 });
    socket.on('data', (chunk: string) => {
      if (session.stalled) return;
      let frames;
      try {
        frames = parser.push(chunk);
      } catch (error) {
        const message = error instanceof AmiProtocolError ? error.message : String(error);
        write(session, [['Response', 'Error'], ['Message', message]]);
        socket.end();
        return;
      }
      for (const frame of frames) {
        if (frame.kind !== 'message') continue;
        const action = frame.message;
        session.queue = session.queue
          .then(() => handle(session, action))
          .catch((error: unknown) => {
            // A backend failure is the simulator's problem, not the protocol's: answer instead of hanging the client.
            write(session, [['Response', 'Error'], ['ActionID', action.get('ActionID')], ['Message', `Simulator backend failed: ${error instanceof Error ? error.message : String(error)}`]]);
          });
      }
    });
  });

  async function handle(session: Session, action: AmiMessage): Promise<void> {
    if (session.stalled || session.socket.destroyed) return;
    const id = action.get('ActionID');
    const respond = (response: string, rest: Reply = []): void => write(session, [['Response', response], ['ActionID', id], ...rest]);
    const ok = (message: string): void => respond('Success', [['Message', message]]);
    const fail = (message: string): void => respond('Error', [['Message', message]]);
    const name = (action.get('Action') ?? '').toLowerCase();

    if (name === '') return fail('Missing action in request');
    if (!session.authenticated && name !== 'login' && name !== 'logoff' && name !== 'challenge') return fail('Permission denied');

    switch (name) {
      case 'login': {
        if (session.authenticated) return ok('Already authenticated');
        if (action.get('Username') !== options.username || action.get('Secret') !== options.secret) {
          fail('Authentication failed');
          session.socket.end();
          return;
        }
        session.authenticated = true;
        // As set_eventmask(): an empty or absent `Events` leaves the mask as it was (every class).
        const mask = eventMaskOf(action.get('Events') ?? '');
        if (mask >= 0) session.eventMask = mask;
        ok('Authentication accepted');
        // Asterisk announces FullyBooted only to a session that is sent system events.
        if ((session.eventMask & CLASS_BITS.system) === 0) return;
        const uptime = Math.floor((Date.now() - startedAt) / 1000);
        write(session, [
          ['Event', 'FullyBooted'],
          ['Privilege', 'system,all'],
          ['Uptime', uptime],
          ['LastReload', uptime],
          ['Status', 'Fully Booted'],
        ]);
        return;
      }
      case 'logoff':
        respond('Goodbye', [['Message', 'Thanks for all the fish.']]);
        session.socket.end();
        return;
      case 'ping': {
        const now = Date.now();
        return respond('Success', [
          ['Ping', 'Pong'],
          ['Timestamp', `${Math.floor(now / 1000)}.${String((now % 1000) * 1000).padStart(6, '0')}`],
        ]);
      }
      case 'events': {
        const mask = eventMaskOf(action.get('EventMask') ?? '');
        if (mask < 0) return fail('Invalid event mask');
        session.eventMask = mask;
        return respond('Success', [['Events', mask > 0 ? 'On' : 'Off']]);
      }
      case 'filter': {
        if ((action.get('Operation') ?? '').toLowerCase() !== 'add') return fail('Unknown operation');
        // Recent Asterisk (22 among them) also takes `MatchCriteria` (advanced filters); only regular expressions are simulated.
        if (action.get('MatchCriteria')) return fail('MatchCriteria is not simulated: give a regular expression in Filter');
        const filter = action.get('Filter') ?? '';
        const exclude = filter.startsWith('!');
        let pattern: RegExp;
        try {
          pattern = new RegExp(exclude ? filter.slice(1) : filter);
        } catch {
          return fail('Filter did not compile.  Check the syntax of the filter given.');
        }
        (exclude ? session.excludeFilters : session.includeFilters).push(pattern);
        return ok('Success');
      }
      case 'coreshowchannels': {
        const channels = await options.backend.listChannels();
        const now = Date.now();
        return list(session, id, 'Channels will follow', 'CoreShowChannelsComplete', [], channels.map((c): Reply => [
          ['Event', 'CoreShowChannel'],
          ['ActionID', id],
          ...channelStateHeaders(c),
          ['Application', c.app],
          ['ApplicationData', c.appData],
          ['Duration', formatDuration(now - c.createdAt)],
          ['BridgeId', c.bridgeId],
        ]));
      }
      case 'status': {
        const wanted = action.get('Channel');
        const all = await options.backend.listChannels();
        const channels = wanted ? all.filter((c) => c.name === wanted) : all;
        if (wanted && channels.length === 0) return fail('No such channel');
        const now = Date.now();
        return list(session, id, 'Channel status will follow', 'StatusComplete', [['Items', channels.length]], channels.map((c): Reply => [
          ['Event', 'Status'],
          ['Privilege', 'Call'],
          ['ActionID', id],
          ...channelStateHeaders(c),
          ['Application', c.app],
          ['Data', c.appData],
          ['Seconds', Math.floor((now - c.createdAt) / 1000)],
          ['BridgeID', c.bridgeId],
        ]));
      }
      case 'devicestatelist': {
        const devices = await options.backend.deviceStates();
        return list(session, id, 'Device State Changes will follow', 'DeviceStateListComplete', [], devices.map((d): Reply => [
          ['Event', 'DeviceStateChange'],
          ['ActionID', id],
          ['Device', d.device],
          ['State', d.state],
        ]));
      }
      case 'redirect': {
        const channel = action.get('Channel');
        if (!channel) return fail('Channel not specified');
        const priority = parsePriority(action.get('Priority'));
        if (priority === undefined) return fail('Invalid priority');
        const found = await options.backend.findChannel(channel);
        if (!found) return fail('Channel specified does not exist');
        try {
          await options.backend.redirect(channel, { context: action.get('Context') || found.context, exten: action.get('Exten') || found.exten, priority });
        } catch {
          return fail('Redirect failed');
        }
        return ok('Redirect successful');
      }
      case 'hangup': {
        const channel = action.get('Channel');
        if (!channel) return fail('No channel specified');
        const rawCause = action.get('Cause');
        const cause = rawCause ? Number.parseInt(rawCause, 10) : undefined;
        if (cause !== undefined && Number.isNaN(cause)) return fail('Invalid cause');
        if (!(await options.backend.findChannel(channel))) return fail('No such channel');
        await options.backend.hangup(channel, cause);
        return ok('Channel Hungup');
      }
      case 'getvar': {
        const variable = action.get('Variable');
        if (!variable) return fail('No variable specified');
        const channel = action.get('Channel');
        if (!channel) return fail('Global variables are not simulated; give a Channel');
        if (!(await options.backend.findChannel(channel))) return fail('No such channel');
        const value = await options.backend.getVar(channel, variable);
        return respond('Success', [
          ['Variable', variable],
          ['Value', value],
        ]);
      }
      case 'setvar': {
        const variable = action.get('Variable');
        if (!variable) return fail('No variable specified');
        const channel = action.get('Channel');
        if (!channel) return fail('Global variables are not simulated; give a Channel');
        if (!(await options.backend.findChannel(channel))) return fail('No such channel');
        await options.backend.setVar(channel, variable, action.get('Value') ?? '');
        return ok('Variable Set');
      }
      case 'originate': {
        const originate = options.backend.originate;
        if (originate === undefined) return fail('Invalid/unknown command');
        const parsed = parseOriginate(action);
        if (!parsed.ok) return fail(parsed.message);
        const request = parsed.request;
        // action_originate checks `exten && context && pi`; exten and context are never NULL there, so any Priority.
        if (request.priority !== 0 && options.backend.extensionExists !== undefined) {
          const exists = await options.backend.extensionExists(request.context, request.exten, request.priority);
          if (exists === false) return fail('Extension does not exist.');
        }
        if (parsed.async) {
          // fast_originate runs on its own thread; its OriginateResponse goes to every session taking `call` events.
          ok('Originate successfully queued');
          void originate(request).then((outcome) => broadcast(originateResponseHeaders(id, request, outcome)));
          return;
        }
        if (request.application === '' && request.priority === 0) return fail("Originate with 'Exten' requires 'Context' and 'Priority'");
        const outcome = await originate(request);
        return outcome.channel !== null ? ok('Originate successfully queued') : fail('Originate failed');
      }
      case 'showdialplan': {
        if (options.backend.showDialplan === undefined) return fail('Invalid/unknown command');
        const listing = await options.backend.showDialplan(action.get('Context') || undefined, action.get('Extension') || undefined);
        if ('error' in listing) return fail(listing.error);
        return list(
          session,
          id,
          'DialPlan list will follow',
          'ShowDialPlanComplete',
          [['ListExtensions', listing.extensions], ['ListPriorities', listing.priorities], ['ListContexts', listing.contexts]],
          listing.items.map((item): Reply =>
            'includeContext' in item
              ? [['Event', 'ListDialplan'], ['ActionID', id], ['Context', item.context], ['IncludeContext', item.includeContext], ['Registrar', 'pbx_config']]
              : [
                  ['Event', 'ListDialplan'],
                  ['ActionID', id],
                  ['Context', item.context],
                  ['Extension', item.extension],
                  ...(item.label === null ? [] : ([['ExtensionLabel', item.label]] as Reply)),
                  ['Priority', item.priority],
                  ['Application', item.app],
                  ['AppData', item.appData],
                  ['Registrar', 'pbx_config'],
                ],
          ),
        );
      }
      default:
        return fail('Invalid/unknown command');
    }
  }

  function list(session: Session, id: string | undefined, message: string, completeEvent: string, completeExtra: Reply, items: Reply[]): void {
    write(session, [['Response', 'Success'], ['ActionID', id], ['EventList', 'start'], ['Message', message]]);
    for (const item of items) write(session, item);
    write(session, [['Event', completeEvent], ['ActionID', id], ['EventList', 'Complete'], ['ListItems', items.length], ...completeExtra]);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('AMI server has no TCP address after listen');

  return {
    port: address.port,
    stallSessions(): void {
      for (const session of sessions) session.stalled = true;
    },
    sessionCount(): number {
      return [...sessions].filter((s) => s.authenticated && !s.socket.destroyed).length;
    },
    async close(): Promise<void> {
      unsubscribe();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.socket.destroy();
      await closed;
    },
  };
}

/** manager.c's perms[]: one bit per event class. */
const CLASS_BITS = {
  system: 1 << 0,
  call: 1 << 1,
  log: 1 << 2,
  verbose: 1 << 3,
  command: 1 << 4,
  agent: 1 << 5,
  user: 1 << 6,
  config: 1 << 7,
  dtmf: 1 << 8,
  reporting: 1 << 9,
  cdr: 1 << 10,
  dialplan: 1 << 11,
  originate: 1 << 12,
  agi: 1 << 13,
  cc: 1 << 14,
  aoc: 1 << 15,
  test: 1 << 16,
  security: 1 << 17,
  message: 1 << 18,
} as const;
const ALL_CLASSES = Object.values(CLASS_BITS).reduce((all, bit) => all | bit, 0);
// ast_false()/ast_true() words; `0` and `1` never get here (a number is a mask of its own).
const FALSE_WORDS = new Set(['no', 'false', 'n', 'f', 'off']);
const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', 'on']);

/**
 * strings_to_mask(): -1 for an empty mask, a number as it is, off/no/false none, on/yes/true every class, else
 * the classes named in a comma list (case-sensitive, unknown names ignored; `all` and `none` as Asterisk has them).
 */
function eventMaskOf(text: string): number {
  if (text === '') return -1;
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  if (FALSE_WORDS.has(text.toLowerCase())) return 0;
  if (TRUE_WORDS.has(text.toLowerCase())) return ALL_CLASSES;
  let mask = 0;
  for (const name of text.split(',')) {
    if (name === 'all') mask |= ALL_CLASSES;
    else if (Object.hasOwn(CLASS_BITS, name)) mask |= CLASS_BITS[name as keyof typeof CLASS_BITS];
  }
  return mask;
}

/** The classes of an event, from its `Privilege` (which always lists `all` as well). */
function categoryOf(headers: Reply): number {
  const privilege = headers.find(([key]) => key === 'Privilege')?.[1];
  let category = 0;
  for (const name of String(privilege ?? '').split(',')) {
    if (Object.hasOwn(CLASS_BITS, name)) category |= CLASS_BITS[name as keyof typeof CLASS_BITS];
  }
  return category;
}

/**
 * match_filter(): no filters pass all; include filters need a match; exclude filters must not match. Filters are
 * JavaScript regular expressions here, which read the usual AMI filters (`Event: Newchannel`, `!Channel: DAHDI.*`)
 * as POSIX extended ones do.
 */
function passesFilters(session: Session, text: () => string): boolean {
  if (session.includeFilters.length === 0 && session.excludeFilters.length === 0) return true;
  const event = text();
  if (session.includeFilters.length > 0 && !session.includeFilters.some((re) => re.test(event))) return false;
  return !session.excludeFilters.some((re) => re.test(event));
}

/** Redirect's Priority: a number, or absent for 1. (Labels are not simulated.) */
function parsePriority(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return 1;
  const n = Number.parseInt(raw, 10);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function eventHeaders(event: AmiBackendEvent): Reply {
  switch (event.type) {
    case 'newchannel':
      return [['Event', 'Newchannel'], ['Privilege', 'call,all'], ...channelStateHeaders(event.channel)];
    case 'newstate':
      return [['Event', 'Newstate'], ['Privilege', 'call,all'], ...channelStateHeaders(event.channel)];
    case 'hangup':
      return [['Event', 'Hangup'], ['Privilege', 'call,all'], ...channelStateHeaders(event.channel), ['Cause', event.cause], ['Cause-txt', event.causeText]];
    case 'deviceStateChange':
      return [['Event', 'DeviceStateChange'], ['Privilege', 'call,all'], ['Device', event.device], ['State', event.state]];
    case 'queue': {
      // As the transcript's AgentCalled: the caller's channel fields, then the member's prefixed with Dest.
      const dest: Reply = event.member === null ? [] : channelStateHeaders(event.member).map(([k, v]) => [`Dest${String(k)}`, v] as const);
      return [['Event', event.event], ['Privilege', 'agent,all'], ...channelStateHeaders(event.channel), ...dest, ...event.fields];
    }
    case 'newexten':
      return [
        ['Event', 'Newexten'],
        ['Privilege', 'dialplan,all'],
        ...channelStateHeaders(event.channel),
        ['Extension', event.extension],
        ['Application', event.app],
        ['AppData', event.appData],
      ];
  }
}
