// A phone call's contact: the caller ID the network gave, when it is a number. Shared by the voice message and
// the agent's work order, so a caller's requests from either are found under the same contact.

/** Caller ids such as `anonymous` or `unknown` are not a way to reach anyone. */
export function phoneContact(caller: string): { phone?: string } {
  const digits = caller.replace(/[\s()-]/g, '');
  return /^\+?[0-9]{3,20}$/.test(digits) ? { phone: digits } : {};
}
