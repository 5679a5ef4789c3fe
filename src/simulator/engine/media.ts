// How long a media URI plays, as Asterisk would resolve it: `undefined` means Asterisk tries and fails (that item
// fails), `'skipped'` means res_stasis_playback passes over it without reporting anything (an unsupported scheme,
// an unknown recording, a number it cannot parse), `Infinity` means it plays until stopped (tones).

import type { SoundCatalog } from '../sounds/sound-catalog.js';
import type { StoredRecording } from './types.js';

export interface MediaContext {
  readonly sounds: SoundCatalog;
  readonly msPerDigit: number;
  storedRecording(name: string): StoredRecording | undefined;
}

export function mediaDurationMs(uri: string, lang: string, ctx: MediaContext): number | 'skipped' | undefined {
  const colon = uri.indexOf(':');
  if (colon <= 0) return 'skipped';
  const scheme = uri.slice(0, colon);
  const rest = uri.slice(colon + 1);
  switch (scheme) {
    case 'sound':
      return rest ? ctx.sounds.durationMs(rest, lang) : undefined;
    case 'digits':
      return /^[0-9*#A-Da-d]+$/.test(rest) ? rest.length * ctx.msPerDigit : undefined;
    case 'characters':
      return rest ? rest.length * ctx.msPerDigit : undefined;
    case 'number':
      return /^-?[0-9]+$/.test(rest) ? rest.replace('-', '').length * ctx.msPerDigit : 'skipped';
    case 'recording':
      return ctx.storedRecording(rest)?.durationMs ?? 'skipped';
    case 'tone':
      return rest ? Number.POSITIVE_INFINITY : undefined;
    default:
      return 'skipped';
  }
}
