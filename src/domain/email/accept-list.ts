// The gateway is a final destination, never a relay: it takes mail only for the hotline's own addresses
// (`12345@hotline.example`) or domains (`@hotline.example`, exactly that domain, not its subdomains).

export type AcceptRule = { readonly kind: 'address'; readonly address: string } | { readonly kind: 'domain'; readonly domain: string };

export class AcceptListError extends Error {
  readonly code = 'SMTP_ACCEPT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'AcceptListError';
  }
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$/;

/** Parses `12345@hotline.example,@hotline.example`; at least one entry, each an address or `@domain`. */
export function parseAcceptList(spec: string): AcceptRule[] {
  const entries = spec
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) {
    throw new AcceptListError('SMTP_ACCEPT: give at least one address (12345@hotline.example) or domain (@hotline.example)');
  }
  return entries.map((entry) => {
    const at = entry.lastIndexOf('@');
    const local = at === -1 ? '' : entry.slice(0, at);
    const domain = normaliseDomain(at === -1 ? entry : entry.slice(at + 1));
    if (at === -1 || !DOMAIN.test(domain)) {
      throw new AcceptListError(`SMTP_ACCEPT: ${JSON.stringify(entry)} is neither an address (name@domain) nor a domain (@domain)`);
    }
    if (local === '') return { kind: 'domain', domain };
    if (!LOCAL.test(local)) throw new AcceptListError(`SMTP_ACCEPT: ${JSON.stringify(entry)} has an invalid local part`);
    return { kind: 'address', address: `${local.toLowerCase()}@${domain}` };
  });
}

/** Whether mail for `address` is ours to take. Case-insensitive; a trailing dot on the domain is ignored. */
export function isAcceptedRecipient(address: string, rules: readonly AcceptRule[]): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const domain = normaliseDomain(address.slice(at + 1));
  const full = `${address.slice(0, at).toLowerCase()}@${domain}`;
  return rules.some((rule) => (rule.kind === 'domain' ? rule.domain === domain : rule.address === full));
}

function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}
