// Which Asterisk device a dial string calls: the name under which AMI reports that device's state. Each channel
// driver reads its dial string in its own way and names its devices in its own way, so each has a rule here;
// for anything else the device is unknown (null), and a caller must treat its state as unknown.

/**
 * The device name Asterisk uses in DeviceStateChange / DeviceStateList for the line `dialString` calls:
 *
 * - `PJSIP/[user@]endpoint[/aor-or-uri]` -> `PJSIP/endpoint` (chan_pjsip: the endpoint is what has a state)
 * - `SIP/[exten@]peer[:port][/exten]` -> `SIP/peer`
 * - `IAX2/[user[:secret]@]peer[:port][/exten[@context]][/options]` -> `IAX2/peer`
 * - `DAHDI/<channel>[options][/number]` -> `DAHDI/<channel>`; a group or span (`g1`, `R2`, `i1`) is no single
 *   device: null
 * - `Local/exten@context[/options]` -> `Local/exten@context`
 *
 * Returns null for any other technology or a dial string these rules cannot read.
 */
export function deviceOfDialString(dialString: string): string | null {
  const slash = dialString.indexOf('/');
  if (slash <= 0) return null;
  const tech = dialString.slice(0, slash).toUpperCase();
  const resource = dialString.slice(slash + 1);
  // Every driver below splits its arguments on '/' first; the device is named in the first part.
  const first = resource.split('/')[0] ?? '';
  if (first === '' || /[\s\r\n]/.test(first)) return null;
  switch (tech) {
    case 'PJSIP':
      return named('PJSIP', afterFirst(first, '@'));
    case 'SIP':
      return named('SIP', withoutPort(afterLast(first, '@')));
    case 'IAX2':
      return named('IAX2', withoutPort(afterLast(first, '@')));
    case 'DAHDI': {
      const channel = /^(\d+)(?:[a-zA-Z]\w*)?$/.exec(first);
      return channel === null ? null : `DAHDI/${channel[1] as string}`;
    }
    case 'LOCAL': {
      const at = first.indexOf('@');
      if (at <= 0 || at === first.length - 1) return null;
      return `Local/${first}`;
    }
    default:
      return null;
  }
}

function named(tech: string, name: string): string | null {
  return name === '' ? null : `${tech}/${name}`;
}

/** chan_pjsip takes what precedes the first '@' as the request user. */
function afterFirst(text: string, separator: string): string {
  const at = text.indexOf(separator);
  return at < 0 ? text : text.slice(at + 1);
}

function afterLast(text: string, separator: string): string {
  const at = text.lastIndexOf(separator);
  return at < 0 ? text : text.slice(at + 1);
}

function withoutPort(host: string): string {
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
