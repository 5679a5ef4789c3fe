#!/usr/bin/env node
/* global process, console, fetch, URL, URLSearchParams */
// A minimal Open311 GeoReport v2 client for the 12345 gateway: plain Node 20 (fetch, parseArgs), no packages.
// It does what a GeoReport client does: reads discovery.json first and then calls every resource relative to the
// endpoint `url` discovery gives. Prints each answer as JSON; exits 1 with the server's errors on a 4xx/5xx.
//
//   node examples/open311-client.mjs discovery
//   node examples/open311-client.mjs services
//   OPEN311_API_KEY=hk_... node examples/open311-client.mjs post --service environment \
//       --address '朝阳区建国路88号' --description '夜间施工噪音' [--lat 39.9 --long 116.4] [--email a@b.cn] [--phone ...]
//   node examples/open311-client.mjs get TICKET
//   node examples/open311-client.mjs token TOKEN
//
// The endpoint comes from --base or OPEN311_BASE (default http://127.0.0.1:8080/open311/v2/).

import { parseArgs } from 'node:util';

const USAGE = `usage: open311-client.mjs [--base URL] discovery | services | post --service CODE [--description TEXT]
       [--address TEXT | --lat N --long N] [--email E] [--phone P] [--first-name N] [--last-name N] [--media-url URL]
       | get TICKET | token TOKEN
  --base URL   the GeoReport endpoint (default: OPEN311_BASE or http://127.0.0.1:8080/open311/v2/)
  post reads the api_key from OPEN311_API_KEY.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    base: { type: 'string' },
    service: { type: 'string' },
    description: { type: 'string' },
    address: { type: 'string' },
    lat: { type: 'string' },
    long: { type: 'string' },
    email: { type: 'string' },
    phone: { type: 'string' },
    'first-name': { type: 'string' },
    'last-name': { type: 'string' },
    'media-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

class ClientError extends Error {}

async function main() {
  const [command, id] = positionals;
  if (values.help === true || command === undefined) {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  const base = withSlash(values.base ?? process.env.OPEN311_BASE ?? 'http://127.0.0.1:8080/open311/v2/');
  const discovery = await call(new URL('discovery.json', base));
  if (command === 'discovery') return print(discovery);

  // Discovery names the endpoint to use; its url ends in `/`, so relative resource names resolve under it.
  const endpoint = discovery.endpoints.find((e) => e.specification === 'http://wiki.open311.org/GeoReport_v2' && e.formats.includes('application/json'));
  if (endpoint === undefined) throw new ClientError('discovery lists no GeoReport v2 endpoint that speaks JSON');
  const at = (resource) => new URL(resource, endpoint.url);

  switch (command) {
    case 'services':
      return print(await call(at('services.json')));
    case 'post': {
      const apiKey = process.env.OPEN311_API_KEY;
      if (apiKey === undefined || apiKey === '') throw new ClientError('set OPEN311_API_KEY to a key with scope open311');
      if (values.service === undefined) throw new ClientError('post needs --service (see: services)');
      const form = new URLSearchParams();
      const fields = {
        service_code: values.service,
        description: values.description,
        address_string: values.address,
        lat: values.lat,
        long: values.long,
        email: values.email,
        phone: values.phone,
        first_name: values['first-name'],
        last_name: values['last-name'],
        media_url: values['media-url'],
      };
      for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
      // GeoReport clients send the api_key in the query string or the body; the gateway takes either.
      const url = at('requests.json');
      url.searchParams.set('api_key', apiKey);
      return print(await call(url, { method: 'POST', body: form }));
    }
    case 'get':
      if (id === undefined) throw new ClientError('get needs a ticket (service_request_id)');
      return print(await call(at(`requests/${encodeURIComponent(id)}.json`)));
    case 'token':
      if (id === undefined) throw new ClientError('token needs a token');
      return print(await call(at(`tokens/${encodeURIComponent(id)}.json`)));
    default:
      throw new ClientError(`unknown command ${command}\n${USAGE}`);
  }
}

async function call(url, init) {
  const response = await fetch(url, init);
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ClientError(`${url.pathname}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) {
    // GeoReport errors: [{ code, description }, ...]
    const errors = Array.isArray(body) ? body.map((e) => `${e.code} ${e.description}`).join('\n') : text;
    throw new ClientError(`${url.pathname}: HTTP ${response.status}\n${errors}`);
  }
  return body;
}

function print(value) {
  console.log(JSON.stringify(value, null, 2));
  return 0;
}

function withSlash(url) {
  return url.endsWith('/') ? url : `${url}/`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof ClientError ? error.message : error);
    process.exitCode = 1;
  },
);
