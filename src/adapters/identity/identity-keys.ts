// The Redis keys of citizen profiles, under intake's hash tag (`{prefix}:citizen:...`) so the link and history
// scripts may touch a profile, its identifiers and intake's records in one slot. Identifiers are hashed in key
// names: a phone number, an openid or an e-mail address never appears in one.

import { rememberLatest } from '../../domain/remember-latest.js';
import { hash as sha256hash } from 'node:crypto';
import type { IdentifierKey } from '../../domain/identity/identifier.js';
import type { IntakeKeys } from '../intake/intake-keys.js';

const identifierHash = rememberLatest((key: IdentifierKey) => sha256hash('sha256', key, 'hex').slice(0, 32), 4096);

export class IdentityKeys {
  /** `{prefix}:citizen:p:` + profile id: the profile's hash; `:contacts`, `:open`, `:conflicts` follow it. */
  readonly profilePrefix: string;
  /** `{prefix}:citizen:id:` + identifier hash: the profile holding it and how (`<profile> c|i`). */
  readonly identifierPrefix: string;
  /** `{prefix}:sub:` + submission id: intake's record, whose `status` the history reads. */
  readonly recordPrefix: string;
  /** Every profile, scored by its last contact: what retention reads. */
  readonly byActivity: string;

  constructor(readonly intake: IntakeKeys) {
    this.profilePrefix = `${intake.bullPrefix}:citizen:p:`;
    this.identifierPrefix = `${intake.bullPrefix}:citizen:id:`;
    this.recordPrefix = intake.record('');
    this.byActivity = `${intake.bullPrefix}:citizen:idx:active`;
  }

  /** The identifier's digest in key names; the latest ones are remembered, as a link reads and then writes each. */
  static hash(key: IdentifierKey): string {
    return identifierHash(key);
  }

  identifier(key: IdentifierKey): string {
    return this.identifierByHash(IdentityKeys.hash(key));
  }

  identifierByHash(hash: string): string {
    return `${this.identifierPrefix}${hash}`;
  }

  profile(id: string): string {
    return `${this.profilePrefix}${id}`;
  }

  contacts(id: string): string {
    return `${this.profilePrefix}${id}:contacts`;
  }

  openCases(id: string): string {
    return `${this.profilePrefix}${id}:open`;
  }

  conflicts(id: string): string {
    return `${this.profilePrefix}${id}:conflicts`;
  }
}
