// The request and response schemas of `/v1/agents` and `/v1/queue`. The agent desk checks what only it can (an
// agent id's and a dial string's shape, skill names, the pause reason, the work order's conditional fields) and its
// refusals name the field; these schemas close the bodies and give the OpenAPI document every field.

import { MAX_MATTER_LENGTH } from '../../../domain/acd/work-order.js';
import { SERVICE_LEVEL_THRESHOLD_MS } from '../../../domain/acd/service-level.js';
import { SKILL_NAME_PATTERN } from '../../../domain/acd/skills.js';
import { AGENT_STATES, MAX_LEVEL, MIN_LEVEL } from '../../../domain/acd/types.js';
import { MAX_DEPARTMENT_LENGTH, MAX_NOTE_LENGTH } from '../../../domain/intake/normalise-call.js';
import { LINK_STRENGTHS } from '../../../domain/identity/identifier.js';
import { AGENT_DISPOSITIONS, CATEGORIES, CHANNELS, KINDS, STATUSES } from '../../../domain/intake/submission.js';
import { ERROR_SCHEMA, errorResponses } from './api-v1-schemas.js';

export const AGENT_PARAMS_SCHEMA = {
  type: 'object',
  required: ['agentId'],
  properties: {
    agentId: { type: 'string', minLength: 1, maxLength: 64, description: 'The agent\'s seat as the call centre numbers it: `1001`, `agent-17` (letters, digits, `_ . -`).' },
  },
} as const;

const SKILL_SCHEMA = {
  type: 'object',
  required: ['name', 'level'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 32, description: 'A matter (a category such as `environment`, or the queue skill `consultation`) or a language (`zh`, `en`).' },
    level: { type: 'integer', minimum: MIN_LEVEL, maximum: MAX_LEVEL, description: '1 is the first line; deeper levels take the call as it waits (`ACD_WIDEN_EVERY`).' },
  },
} as const;

/** Both fields are required, checked by the route: from an agent's own session they default to their staff account's. */
export const LOGIN_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    endpoint: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      description: "The dial string of the agent's phone: `PJSIP/1001`, `Local/1001@agents`. Required, except from an agent's session whose staff account has one.",
    },
    skills: {
      description:
        'Matter skills and languages with their levels: the text `"environment:1, zh:1, en:2"` (a name without a level is level 1), or the same as a list. ' +
        "Required, except from an agent's session whose staff account has them.",
      anyOf: [
        { type: 'string', minLength: 1, maxLength: 2000 },
        { type: 'array', minItems: 1, maxItems: 100, items: SKILL_SCHEMA },
      ],
    },
  },
} as const;

export const PAUSE_REQUEST_SCHEMA = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: {
    reason: { type: 'string', minLength: 1, maxLength: 200, description: 'Why the agent takes no calls (`lunch`, `training`): one short line.' },
  },
} as const;

export const TRANSFER_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    skill: {
      type: ['string', 'null'],
      maxLength: 32,
      description: 'The skill the caller is queued for now (`environment`); absent or null: the skill they were queued for.',
    },
  },
} as const;

const OPTIONAL_TEXT = (maxLength: number, description: string) => ({ type: ['string', 'null'], maxLength, description }) as const;

export const WORK_ORDER_FORM_SCHEMA = {
  type: 'object',
  required: ['kind', 'category', 'matter', 'disposition'],
  additionalProperties: false,
  description: 'What the agent records of the call; with what the queue knows (time, caller, IVR path, waiting and talking times, recording) it becomes the call\'s submission.',
  properties: {
    kind: { type: 'string', enum: [...KINDS] },
    category: { type: 'string', enum: [...CATEGORIES] },
    matter: { type: 'string', minLength: 1, maxLength: MAX_MATTER_LENGTH, description: "The caller's matter in the agent's words." },
    disposition: {
      type: 'string',
      enum: [...AGENT_DISPOSITIONS],
      description: '`answered` at once; `dispatched` to a department (`department` required); `referred`: the caller was told where to go; `repeat` of an earlier ticket (`repeatOf` required).',
    },
    repeatOf: OPTIONAL_TEXT(40, 'With `repeat` only: the earlier ticket.'),
    department: OPTIONAL_TEXT(MAX_DEPARTMENT_LENGTH, 'With `dispatched` only: where the matter was sent.'),
    note: OPTIONAL_TEXT(MAX_NOTE_LENGTH, 'Anything else for the work-order system.'),
  },
} as const;

export const WRAP_UP_REQUEST_SCHEMA = {
  type: 'object',
  required: ['workOrder'],
  additionalProperties: false,
  properties: {
    workOrder: WORK_ORDER_FORM_SCHEMA,
    callId: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description: 'The call to file, for a call the agent answered earlier; without it, the call the agent is wrapping up.',
    },
  },
} as const;

export const AGENT_SCHEMA = {
  type: 'object',
  required: ['id', 'endpoint', 'skills', 'state', 'reason', 'callId', 'since', 'idleSince'],
  properties: {
    id: { type: 'string' },
    endpoint: { type: 'string' },
    skills: {
      type: 'array',
      items: { type: 'object', required: ['name', 'level'], properties: { name: { type: 'string', pattern: SKILL_NAME_PATTERN }, level: { type: 'integer' } } },
    },
    skillsText: { type: 'string', description: 'The skills as an operator writes them: `environment:1, zh:1`.' },
    state: {
      type: 'string',
      enum: [...AGENT_STATES],
      description: '`reserved`: a call is set aside for the agent and their phone is about to ring; `wrapUp`: after a call, until the work order is filed or `ACD_WRAP_UP` runs out.',
    },
    reason: { type: ['string', 'null'], description: 'With `paused`: why (`no answer` and `phone unavailable` are given by the queue itself).' },
    callId: { type: ['string', 'null'], description: 'With `reserved`, `ringing`, `onCall` and `wrapUp`: the call.' },
    since: { type: 'string', format: 'date-time', description: 'When the agent entered the state.' },
    idleSince: { type: 'string', format: 'date-time', description: 'When the agent last became ready or finished a call: the longest idle is offered first.' },
  },
} as const;

export const AGENT_REPLY_SCHEMA = { type: 'object', required: ['agent'], properties: { agent: AGENT_SCHEMA } } as const;

export const AGENTS_REPLY_SCHEMA = { type: 'object', required: ['agents'], properties: { agents: { type: 'array', items: AGENT_SCHEMA } } } as const;

export const WRAP_UP_REPLY_SCHEMA = {
  type: 'object',
  required: ['agent', 'workOrder'],
  properties: {
    agent: AGENT_SCHEMA,
    workOrder: {
      type: 'object',
      required: ['submissionId', 'ticket'],
      description: "The call's submission in intake; the same one when the wrap-up is retried.",
      properties: { submissionId: { type: 'string' }, ticket: { type: 'string' } },
    },
  },
} as const;

const COUNT = { type: 'integer', minimum: 0 } as const;

export const QUEUE_REPLY_SCHEMA = {
  type: 'object',
  required: ['waiting', 'longestWaitSeconds', 'agentsByState', 'today', 'serviceLevel', 'serviceLevelThresholdSeconds'],
  properties: {
    waiting: { ...COUNT, description: 'Callers waiting for an agent, across every gateway of the hotline.' },
    longestWaitSeconds: { ...COUNT, description: 'How long the longest-waiting caller has waited (whole seconds); 0 when nobody waits.' },
    agentsByState: {
      type: 'object',
      required: [...AGENT_STATES],
      properties: Object.fromEntries(AGENT_STATES.map((state) => [state, COUNT])),
    },
    today: {
      type: 'object',
      required: ['queued', 'offered', 'answered', 'abandoned', 'answeredInTime', 'callbacksBooked', 'callbacksAbandoned'],
      description: "The hotline's day (Beijing time), shared by every gateway.",
      properties: {
        queued: COUNT,
        offered: COUNT,
        answered: COUNT,
        abandoned: { ...COUNT, description: 'Callers who hung up while waiting.' },
        answeredInTime: { ...COUNT, description: 'Answered within the service-level threshold.' },
        callbacksBooked: { ...COUNT, description: 'Callers who kept their place to be called back.' },
        callbacksAbandoned: { ...COUNT, description: 'Call-backs given up after their last unanswered attempt (also in abandoned).' },
      },
    },
    serviceLevel: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'The share of today\'s calls that ended in the queue (answered or abandoned) answered within the threshold; 1 before any has. The same figure as /metrics.',
    },
    serviceLevelThresholdSeconds: { type: 'integer', enum: [SERVICE_LEVEL_THRESHOLD_MS / 1000] },
  },
} as const;

const STATUS_NAME_SCHEMA = {
  type: 'object',
  required: ['zh', 'en'],
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
  description: 'The status in the words every channel uses.',
} as const;

const NULLABLE_STRING = { type: ['string', 'null'] } as const;

export const SCREEN_POP_SCHEMA = {
  type: 'object',
  required: ['callId', 'callerMasked', 'lang', 'queueSkill', 'category', 'ivrPath', 'enqueuedAt', 'answeredAt', 'waitedSeconds', 'earlierTicket', 'history', 'historyUnavailable'],
  description: 'What the hotline knows about the call and its caller, for the agent taking it.',
  properties: {
    callId: { type: 'string' },
    callerMasked: { type: 'string', description: "The caller's number masked (`138****5678`): enough to recognise a repeat caller; '' when the network withheld it." },
    lang: { type: 'string', description: 'The language the caller chose in the IVR (`zh`, `en`).' },
    queueSkill: { type: 'string', description: 'The skill the call was queued for.' },
    category: { ...NULLABLE_STRING, description: 'The matter the caller chose in the IVR, if any.' },
    ivrPath: { type: 'array', items: { type: 'string' }, description: 'The IVR nodes the caller went through, in order.' },
    enqueuedAt: { type: 'string', format: 'date-time' },
    answeredAt: { type: ['string', 'null'], format: 'date-time' },
    waitedSeconds: { type: 'integer', minimum: 0, description: 'Time waited in the queue, until answered (or until now).' },
    earlierTicket: { ...NULLABLE_STRING, description: 'The open case the caller was told about in the IVR (a repeat caller).' },
    history: {
      type: ['object', 'null'],
      description: "The caller's earlier contacts on every channel and their open cases, from the citizens' profiles; null when the number has none.",
      required: ['link', 'contacts', 'openCases'],
      properties: {
        link: { type: 'string', enum: [...LINK_STRENGTHS], description: '`inferred`: the number may not be the person the profile is about.' },
        contacts: {
          type: 'array',
          items: {
            type: 'object',
            required: ['channel', 'at', 'ticket', 'status', 'statusName'],
            properties: {
              channel: { type: 'string', enum: [...CHANNELS] },
              at: { type: 'string', format: 'date-time' },
              ticket: NULLABLE_STRING,
              status: { type: ['string', 'null'], enum: [...STATUSES, null] },
              statusName: { ...STATUS_NAME_SCHEMA, type: ['object', 'null'] },
            },
          },
        },
        openCases: {
          type: 'array',
          items: {
            type: 'object',
            required: ['ticket', 'channel', 'receivedAt', 'status', 'statusName'],
            properties: {
              ticket: { type: 'string' },
              channel: { type: 'string', enum: [...CHANNELS] },
              receivedAt: { type: 'string', format: 'date-time' },
              status: { type: 'string', enum: [...STATUSES] },
              statusName: STATUS_NAME_SCHEMA,
            },
          },
        },
      },
    },
    historyUnavailable: { type: 'boolean', description: 'The history could not be read (its store is down): the call is shown without it.' },
  },
} as const;

export const SCREEN_POP_REPLY_SCHEMA = { type: 'object', required: ['call'], properties: { call: SCREEN_POP_SCHEMA } } as const;

export const WAITING_CALLS_REPLY_SCHEMA = {
  type: 'object',
  required: ['calls'],
  properties: {
    calls: {
      type: 'array',
      description: 'Longest-waiting first, across every gateway of the hotline.',
      items: {
        type: 'object',
        required: ['callId', 'skill', 'lang', 'priority', 'waitedSeconds', 'enqueuedAt'],
        properties: {
          callId: { type: 'string' },
          skill: { type: 'string', description: 'The matter skill the call needs.' },
          lang: { type: 'string' },
          priority: { type: 'integer', description: "Served before calls of a lower priority (the flow's queue priority, one more for a caller about an open case)." },
          waitedSeconds: { type: 'integer', minimum: 0 },
          enqueuedAt: { type: 'string', format: 'date-time', description: 'When the call first entered the queue (kept when it is given back to its head).' },
        },
      },
    },
  },
} as const;

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  401: 'Neither a key nor a session (`SESSION_REQUIRED`), a session that is unknown, expired or ended (`SESSION_INVALID`), or a key that is not valid (`API_KEY_INVALID`); WWW-Authenticate: Bearer.',
  403:
    'The key lacks the `agents` scope (`SCOPE_MISSING`); the session\'s role may not take this step (`WRONG_ROLE`) or an agent acted for another agent (`NOT_YOUR_AGENT`); ' +
    "a cookie-borne change came from another site's page (`CROSS_SITE`); or the call was answered by another agent (`NOT_YOUR_CALL`).",
  429: 'Too many requests a minute for the key, the signed-in person or the address (`RATE_LIMITED`); see Retry-After.',
  404: 'No such agent is logged in (`UNKNOWN_AGENT`), the queue knows no such call (`UNKNOWN_CALL`), or the agent has no call now (`NO_CALL`).',
  409: 'Not allowed in the agent\'s current state (`NOT_ALLOWED`, with `state`), or the call was never answered (`NOT_ANSWERED`).',
  503:
    'The session store does not answer (`SESSIONS_UNAVAILABLE`), or, for a hang-up or transfer, the gateway holding the agent\'s caller does not (`GATEWAY_UNAVAILABLE`): ' +
    'it is down; the agent can still hang up on the phone.',
};

/** The shared error responses, with what 403, 404 and 409 mean for agents. */
export function agentErrorResponses(...codes: number[]): ReturnType<typeof errorResponses> {
  const responses = errorResponses(...codes);
  for (const code of codes) {
    const description = DESCRIPTIONS[code];
    if (description !== undefined && responses[code] !== undefined) responses[code] = { ...responses[code], ...ERROR_SCHEMA, description };
  }
  return responses;
}
