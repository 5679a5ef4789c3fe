// Loads ARI's resource listing once ourselves before ari-client does. ari-client's swagger-client answers a
// non-200 (a wrong ARI_PASSWORD: 401; a URL that is not Asterisk's ARI: 404) by throwing from inside a socket
// callback, which no promise catches: the gateway process would die. Checked here, the same problems become a
// typed error naming what to fix, and the link keeps retrying.

/** Asterisk refused or does not serve ARI at the configured address: operator configuration, not a network blip. */
export class AriSetupError extends Error {
  constructor(
    readonly code: 'ARI_AUTH_FAILED' | 'ARI_NOT_SERVED' | 'ARI_BAD_ANSWER',
    message: string,
  ) {
    super(message);
    this.name = 'AriSetupError';
  }
}

/** Resolves when `GET /ari/api-docs/resources.json` answers 200 for these credentials; network errors pass through. */
export async function probeAri(url: string, username: string, password: string, timeoutMs = 5000): Promise<void> {
  const listing = `${url.replace(/\/+$/, '')}/ari/api-docs/resources.json`;
  const response = await fetch(listing, {
    headers: { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  if (response.status === 200) return;
  if (response.status === 401 || response.status === 403) {
    throw new AriSetupError(
      'ARI_AUTH_FAILED',
      `ARI refused user "${username}" (HTTP ${response.status}): ARI_USERNAME/ARI_PASSWORD must match a user in ari.conf`,
    );
  }
  if (response.status === 404) {
    throw new AriSetupError(
      'ARI_NOT_SERVED',
      `no ARI at ${listing} (HTTP 404): is ARI_URL Asterisk's HTTP server, with res_ari loaded and ari.conf enabled = yes?`,
    );
  }
  throw new AriSetupError('ARI_BAD_ANSWER', `ARI api-docs at ${listing} answered HTTP ${response.status}`);
}
