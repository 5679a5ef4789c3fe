// Endpoints as Asterisk's endpoint cache holds them (main/endpoints.c): one per configured PJSIP endpoint,
// `online` while a contact is registered and reachable, `offline` when none is, `unknown` before anything is
// known. The simulator learns an endpoint when a test registers or unregisters it, or when a channel is made on
// it (the carrier, the PSAP lines): those stay `unknown`, as an endpoint without qualify does.

export type EndpointState = 'unknown' | 'offline' | 'online';

export interface SimEndpoint {
  readonly technology: string;
  readonly resource: string;
  state: EndpointState;
}

/** The channel technologies that have a technology endpoint (GET /endpoints/{tech} answers 404 for others). */
const TECHNOLOGIES = ['PJSIP', 'Local'];

/** `PJSIP/1001` -> `{ technology: 'PJSIP', resource: '1001' }`; undefined when either part is missing. */
export function parseEndpointId(id: string): { technology: string; resource: string } | undefined {
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return undefined;
  return { technology: id.slice(0, slash), resource: id.slice(slash + 1) };
}

export function endpointJson(ep: SimEndpoint, channelIds: readonly string[]): Record<string, unknown> {
  return { technology: ep.technology, resource: ep.resource, state: ep.state, channel_ids: [...channelIds] };
}

export class SimEndpoints {
  private readonly endpoints = new Map<string, SimEndpoint>();

  private static key(technology: string, resource: string): string {
    return `${technology.toUpperCase()}/${resource}`;
  }

  get(technology: string, resource: string): SimEndpoint | undefined {
    return this.endpoints.get(SimEndpoints.key(technology, resource));
  }

  /** The endpoint, created `unknown` if it was not known yet. */
  ensure(technology: string, resource: string): SimEndpoint {
    const key = SimEndpoints.key(technology, resource);
    let ep = this.endpoints.get(key);
    if (!ep) {
      ep = { technology, resource, state: 'unknown' };
      this.endpoints.set(key, ep);
    }
    return ep;
  }

  all(): SimEndpoint[] {
    return [...this.endpoints.values()];
  }

  /** ast_endpoint_find_by_id(tech) succeeds for a technology Asterisk has loaded (compared without case). */
  hasTechnology(technology: string): boolean {
    const t = technology.toLowerCase();
    return TECHNOLOGIES.some((known) => known.toLowerCase() === t) || this.all().some((ep) => ep.technology.toLowerCase() === t);
  }

  byTechnology(technology: string): SimEndpoint[] {
    const t = technology.toLowerCase();
    return this.all().filter((ep) => ep.technology.toLowerCase() === t);
  }

  clear(): void {
    this.endpoints.clear();
  }
}
