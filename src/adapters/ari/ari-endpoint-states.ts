// Agents' phone registration over ARI: POST /applications/{app}/subscription with `endpoint:<tech>/<resource>` so
// the application receives the endpoint's EndpointStateChange, and GET /endpoints/{tech}/{resource} for its state
// now. Asterisk answers 422 "Event source does not exist" / 404 "Endpoint not found" for an endpoint it has not
// configured: that is no registration to follow (null), not a failure.

import type { AriClient } from 'ari-client';
import type { EndpointStates } from '../../app/acd/agent-phones.js';
import { parseEndpointState } from '../../domain/telephony/agent-phone.js';
import type { EndpointState } from '../../domain/telephony/agent-phone.js';
import { AriUnavailableError, classifyAriError, toAriError } from './ari-errors.js';

const NO_SUCH_ENDPOINT = /does not exist|not found/i;

export class AriEndpointStates implements EndpointStates {
  constructor(
    private readonly client: () => AriClient | null,
    private readonly app: string,
  ) {}

  async watch(technology: string, resource: string): Promise<EndpointState | null> {
    const client = this.connected('endpoint subscription');
    const eventSource = `endpoint:${technology}/${resource}`;
    try {
      await client.applications.subscribe({ applicationName: this.app, eventSource });
    } catch (err) {
      if (NO_SUCH_ENDPOINT.test(classifyAriError(err).message)) return null;
      throw toAriError('endpoint subscription', err);
    }
    let endpoint: { state?: unknown };
    try {
      endpoint = (await client.endpoints.get({ tech: technology, resource })) as { state?: unknown };
    } catch (err) {
      if (NO_SUCH_ENDPOINT.test(classifyAriError(err).message)) return null;
      throw toAriError('endpoint state', err);
    }
    // `state` is optional in the model: an endpoint without one is in no known state.
    return typeof endpoint.state === 'string' ? (parseEndpointState(endpoint.state) ?? 'unknown') : 'unknown';
  }

  async unwatch(technology: string, resource: string): Promise<void> {
    const client = this.connected('endpoint unsubscription');
    try {
      await client.applications.unsubscribe({ applicationName: this.app, eventSource: `endpoint:${technology}/${resource}` });
    } catch (err) {
      // Not subscribed (any more): Asterisk restarted, or it never existed. Nothing to end.
      if (/not subscribed|does not exist|not found/i.test(classifyAriError(err).message)) return;
      throw toAriError('endpoint unsubscription', err);
    }
  }

  private connected(operation: string): AriClient {
    const client = this.client();
    if (client === null) throw new AriUnavailableError(operation, 'not connected');
    return client;
  }
}
