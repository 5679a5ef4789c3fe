// AMI Originate as manager.c's action_originate reads it, and the OriginateResponse event fast_originate sends.
// Pure: the server checks the extension and runs the call through its backend.

import type { AmiHeaderInput, AmiMessage } from '../../adapters/ami/ami-codec.js';

export interface AmiOriginateRequest {
  /** `PJSIP/1001`, `Local/1001@agents`. */
  readonly channel: string;
  readonly context: string;
  readonly exten: string;
  /** 0 when not given. */
  readonly priority: number;
  readonly application: string;
  readonly data: string;
  /** Ring timeout in ms (Timeout, default 30000). */
  readonly timeoutMs: number;
  /** '' when not given. */
  readonly callerNum: string;
  readonly callerName: string;
  readonly variables: ReadonlyArray<readonly [string, string]>;
  readonly channelId?: string;
  readonly otherChannelId?: string;
}

export type ParsedOriginate =
  | { readonly ok: true; readonly request: AmiOriginateRequest; readonly async: boolean }
  | { readonly ok: false; readonly message: string };

/** AST_MAX_PUBLIC_UNIQUEID: the longest ChannelId/OtherChannelId Asterisk takes. */
const MAX_PUBLIC_UNIQUEID = 149;

/** The checks of action_originate in its order, with its error texts (before any channel is made). */
export function parseOriginate(action: AmiMessage): ParsedOriginate {
  const header = (key: string): string => action.get(key) ?? '';
  const channelId = header('ChannelId');
  const otherChannelId = header('OtherChannelId');
  if (channelId.length > MAX_PUBLIC_UNIQUEID || otherChannelId.length > MAX_PUBLIC_UNIQUEID) {
    return { ok: false, message: `Uniqueid length exceeds maximum of ${MAX_PUBLIC_UNIQUEID}\n` };
  }
  const channel = header('Channel');
  if (channel === '') return { ok: false, message: 'Channel not specified' };
  let priority = 0;
  const rawPriority = header('Priority');
  if (rawPriority !== '') {
    // sscanf("%30d"): a leading integer; a label would be looked up in the dialplan, which the simulator does not do.
    const m = /^\s*([+-]?\d+)/.exec(rawPriority);
    if (!m) return { ok: false, message: 'Invalid priority' };
    priority = Number.parseInt(m[1] as string, 10);
  }
  let timeoutMs = 30_000;
  const rawTimeout = header('Timeout');
  if (rawTimeout !== '') {
    const m = /^\s*([+-]?\d+)/.exec(rawTimeout);
    if (!m) return { ok: false, message: 'Invalid timeout' };
    timeoutMs = Number.parseInt(m[1] as string, 10);
  }
  const slash = channel.indexOf('/');
  if (slash < 0) return { ok: false, message: 'Invalid channel' };
  const { name, number } = parseAmiCallerId(header('CallerID'));
  return {
    ok: true,
    async: isTrue(header('Async')),
    request: {
      channel,
      context: header('Context'),
      exten: header('Exten'),
      priority,
      application: header('Application'),
      data: header('Data'),
      timeoutMs,
      callerNum: number,
      callerName: name,
      variables: originateVariables(action),
      ...(channelId === '' ? {} : { channelId }),
      ...(otherChannelId === '' ? {} : { otherChannelId }),
    },
  };
}

/** astman_get_variables: every `Variable` header, each a comma list of `name=value`. */
export function originateVariables(action: AmiMessage): Array<[string, string]> {
  const vars: Array<[string, string]> = [];
  for (const header of action.getAll('Variable')) {
    for (const item of header.split(',')) {
      const eq = item.indexOf('=');
      if (eq <= 0) continue;
      vars.push([item.slice(0, eq).trim(), item.slice(eq + 1)]);
    }
  }
  return vars;
}

/**
 * ast_callerid_parse + ast_shrink_phone_number: `"Name" <number>`, `Name <number>`, a bare number, or a bare
 * name; an empty part is ''.
 */
export function parseAmiCallerId(text: string): { name: string; number: string } {
  let input = text.trim();
  let quoted = false;
  if (input.length >= 2 && input.startsWith('"') && input.endsWith('"')) {
    input = input.slice(1, -1);
    quoted = true;
  }
  const lt = input.lastIndexOf('<');
  if (lt >= 0) {
    const gt = input.indexOf('>', lt);
    const location = input.slice(lt + 1, gt < 0 ? undefined : gt);
    return { name: unquote(input.slice(0, lt).trim()), number: shrinkPhoneNumber(location) };
  }
  const shrunk = shrinkPhoneNumber(input);
  if (!quoted && /^[0-9+#*]+$/.test(shrunk)) return { name: '', number: shrunk };
  return { name: unquote(input), number: '' };
}

/** ast_shrink_phone_number: drops the punctuation people write in numbers. */
function shrinkPhoneNumber(number: string): string {
  return number.replace(/[\s()\-.]/g, '');
}

function unquote(name: string): string {
  return name.length >= 2 && name.startsWith('"') && name.endsWith('"') ? name.slice(1, -1) : name;
}

function isTrue(value: string): boolean {
  return /^(yes|true|y|t|1|on)$/i.test(value.trim());
}

/** fast_originate's event: the answered channel's name and id, or the requested channel and `<unknown>`. */
export function originateResponseHeaders(
  actionId: string | undefined,
  request: AmiOriginateRequest,
  outcome: { readonly reason: number; readonly channel: { readonly name: string; readonly uniqueid: string } | null },
): AmiHeaderInput[] {
  const headers: AmiHeaderInput[] = [
    ['Event', 'OriginateResponse'],
    ['Privilege', 'call,all'],
  ];
  if (actionId !== undefined && actionId !== '') headers.push(['ActionID', actionId]);
  headers.push(['Response', outcome.channel !== null ? 'Success' : 'Failure']);
  headers.push(['Channel', outcome.channel?.name ?? request.channel]);
  if (request.application !== '') {
    headers.push(['Application', request.application], ['Data', request.data]);
  } else {
    headers.push(['Context', request.context], ['Exten', request.exten]);
  }
  headers.push(
    ['Reason', outcome.reason],
    ['Uniqueid', outcome.channel?.uniqueid ?? (request.channelId || '<unknown>')],
    ['CallerIDNum', request.callerNum || '<unknown>'],
    ['CallerIDName', request.callerName || '<unknown>'],
  );
  return headers;
}
