// The citizen web form: `POST /form/submissions` (JSON, and multipart with the `payload` field then `files`) and
// `POST /form/rating/:ticket` and `POST /form/status/:ticket`, through the gateway's HTTP stack with real intake. Public routes: whatever anyone
// posts must get a 4xx naming the field, never a 5xx.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';
import type { FuzzSession } from '../fuzz-target.js';
import { contentType, jsonBody, pathSegment, validOrMutated } from '../support/arbitraries.js';
import { startFuzzGateway } from '../support/fuzz-gateway.js';
import type { FuzzGateway } from '../support/fuzz-gateway.js';
import { injectAndJudge, readable } from '../support/http-oracle.js';
import type { HttpInput, JudgedValue } from '../support/http-oracle.js';
import { multipartRequest } from '../support/multipart.js';

const KEY_PLACEHOLDER = 'placeholder-key-0000';

const FORM_PAYLOADS: readonly object[] = [
  { idempotencyKey: KEY_PLACEHOLDER, text: '我家楼下的垃圾桶已经一周没人清理了', kind: 'complaint', category: 'environment', language: 'zh', phone: '138 0013 8000' },
  {
    idempotencyKey: KEY_PLACEHOLDER,
    text: 'The bus stop sign at Dongzhimen is missing.',
    language: 'en',
    address: 'Dongzhimen Outer St',
    location: { lat: 39.94, lon: 116.43 },
    name: 'Anna',
    email: 'anna@example.org',
  },
  { idempotencyKey: KEY_PLACEHOLDER, text: '咨询一下居住证怎么办理', kind: 'consultation', language: 'zh', address: '', name: '', phone: '', email: '' },
];

const RATINGS: readonly object[] = [
  { score: 5, comment: '处理得很快，谢谢', proof: '8000' },
  { score: 1, proof: 'anna@example.org' },
  { score: 3, comment: 'ok', proof: '80-00' },
];

/** A valid payload gets a key derived from its content: a resend is the same request, never a conflict. */
function withOwnKey(judged: JudgedValue): JudgedValue {
  if (!judged.valid) return judged;
  const body = judged.value as Record<string, unknown>;
  const key = createHash('sha256').update(JSON.stringify({ ...body, idempotencyKey: undefined })).digest('base64url').slice(0, 32);
  return { value: { ...body, idempotencyKey: key }, valid: true };
}

function inputs(tickets: { resolved: string; open: string }): Arbitrary<HttpInput> {
  const payloads = validOrMutated(FORM_PAYLOADS).map(withOwnKey);
  const json: Arbitrary<HttpInput> = fc.record({ body: payloads, type: contentType('application/json') }).chain((r) =>
    jsonBody(r.body.value, !r.body.valid).map(
      (payload): HttpInput => ({
        method: 'POST',
        url: '/form/submissions',
        headers: r.type === undefined ? {} : { 'content-type': r.type },
        payload,
        valid: r.body.valid && r.type === 'application/json',
      }),
    ),
  );
  const multipart: Arbitrary<HttpInput> = multipartRequest({ jsonField: 'payload', filesField: 'files', maxFiles: 3 }, payloads).map(
    (form): HttpInput => ({ method: 'POST', url: '/form/submissions', headers: { 'content-type': form.contentType }, payload: form.payload, valid: form.valid }),
  );
  // A rating can succeed once per ticket; afterwards the same input is rightly refused, so none is required to pass.
  const rating: Arbitrary<HttpInput> = fc
    .record({
      body: validOrMutated(RATINGS),
      type: contentType('application/json'),
      ticket: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(tickets.resolved, tickets.open) }, { weight: 1, arbitrary: pathSegment(40) }),
    })
    .chain((r) =>
      jsonBody(r.body.value, !r.body.valid).map(
        (payload): HttpInput => ({
          method: 'POST',
          url: `/form/rating/${r.ticket}`,
          headers: r.type === undefined ? {} : { 'content-type': r.type },
          payload,
          valid: false,
        }),
      ),
    );
  const random: Arbitrary<HttpInput> = fc
    .record({ path: fc.constantFrom('/form/submissions', `/form/rating/${tickets.resolved}`), type: contentType('application/json'), payload: fc.uint8Array({ maxLength: 2048 }) })
    .map((r): HttpInput => ({ method: 'POST', url: r.path, headers: r.type === undefined ? {} : { 'content-type': r.type }, payload: Buffer.from(r.payload), valid: false }));
  // A status lookup needs the case's proof; the fuzzer does not know it, so none is required to pass (a wrong proof
  // is a 404, a locked ticket a 429: anything but a 5xx).
  const status: Arbitrary<HttpInput> = fc
    .record({
      ticket: fc.oneof(fc.constantFrom(tickets.resolved, tickets.open, `${tickets.open}0`, '0', '4'.repeat(64)), pathSegment(40)),
      proof: fc.oneof(fc.constantFrom('123456', '8000', 'a@b.cn', ''), fc.string({ maxLength: 300 }), fc.integer()),
      type: contentType('application/json'),
    })
    .chain((r) =>
      jsonBody({ proof: r.proof }, true).map(
        (payload): HttpInput => ({ method: 'POST', url: `/form/status/${r.ticket}`, headers: r.type === undefined ? {} : { 'content-type': r.type }, payload, valid: false }),
      ),
    );
  return fc.oneof({ weight: 5, arbitrary: json }, { weight: 3, arbitrary: multipart }, { weight: 3, arbitrary: rating }, { weight: 1, arbitrary: status }, { weight: 1, arbitrary: random }).map(readable);
}

/** Two requests to rate: one resolved (rateable by the right proof), one still open. */
async function seedTickets(gateway: FuzzGateway): Promise<{ resolved: string; open: string }> {
  const submit = async (index: number): Promise<{ id: string; ticket: string }> => {
    const payload = { ...(FORM_PAYLOADS[index] as object), idempotencyKey: `fuzz-seed-ticket-${index}-000` };
    const response = await gateway.app.inject({ method: 'POST', url: '/form/submissions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    if (response.statusCode !== 201) throw new Error(`the seed submission was refused: ${response.statusCode} ${response.body}`);
    const { ticket } = response.json<{ ticket: string }>();
    const record = await gateway.intake.getByTicket(ticket);
    if (record === null) throw new Error(`seed ticket ${ticket} cannot be read back`);
    return { id: record.submission.id, ticket };
  };
  const resolved = await submit(0);
  await gateway.intake.updateStatus(resolved.id, { status: 'resolved', at: new Date().toISOString(), note: '已修复' });
  const open = await submit(1);
  return { resolved: resolved.ticket, open: open.ticket };
}

export async function start(): Promise<FuzzSession<HttpInput>> {
  const gateway = await startFuzzGateway();
  const tickets = await seedTickets(gateway);
  return {
    arbitrary: inputs(tickets),
    check: async (input) => {
      await injectAndJudge(gateway.app, gateway.errors, input, 'error-json');
    },
    close: () => gateway.close(),
  };
}
