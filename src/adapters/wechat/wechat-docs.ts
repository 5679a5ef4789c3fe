// The WeChat server URL as the OpenAPI document shows it (see ../http/openapi.ts). WeChat's servers are the only
// callers; the document tells an operator what the console's "server URL" check and the pushes look like.

import { OPENAPI_TAGS } from '../http/openapi.js';
import type { RouteDoc } from '../http/openapi.js';

const TAGS = [OPENAPI_TAGS.wechat];

const SIGNED_QUERY = {
  signature: { type: 'string', description: 'Official Account: sha1 of the sorted token, timestamp and nonce' },
  msg_signature: { type: 'string', description: 'Safe mode and WeCom: sha1 of the sorted token, timestamp, nonce and ciphertext' },
  timestamp: { type: 'string', description: 'Seconds; refused when further off than WECHAT_MAX_CLOCK_SKEW' },
  nonce: { type: 'string' },
};

export const WECHAT_VERIFY_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'Server URL verification',
  description: 'Answers `echostr` (WeCom: decrypted) when the signature is right.',
  querystring: { type: 'object', required: ['timestamp', 'nonce', 'echostr'], properties: { ...SIGNED_QUERY, echostr: { type: 'string' } } },
  response: {
    200: { description: 'The echostr', content: { 'text/plain; charset=utf-8': { schema: { type: 'string' } } } },
    400: { description: 'Malformed request', type: 'null' },
    401: { description: 'Bad signature or stale timestamp', type: 'null' },
  },
};

export const WECHAT_PUSH_DOC: RouteDoc = {
  tags: TAGS,
  summary: 'A message or event pushed by WeChat',
  description:
    'XML in plaintext, compatible or safe mode (`encrypt_type=aes`). Each message becomes (part of) a submission; the passive reply ' +
    '(encrypted like the request) carries the ticket, within 4.5 s. A retry of the same MsgId gets the same ticket.',
  consumes: ['text/xml', 'application/xml'],
  querystring: { type: 'object', required: ['timestamp', 'nonce'], properties: { ...SIGNED_QUERY, openid: { type: 'string' }, encrypt_type: { type: 'string', enum: ['aes', 'raw'] } } },
  body: { type: 'string', description: 'WeChat message XML' },
  response: {
    200: { description: 'A passive reply (XML), or `success` when there is nothing to say', content: { 'application/xml': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } } },
    400: { description: 'Not a WeChat message (hostile or malformed XML)', type: 'null' },
    401: { description: 'Bad signature, stale timestamp or undecryptable', type: 'null' },
    503: { description: 'Intake cannot take it now; WeChat retries', type: 'null' },
  },
};
