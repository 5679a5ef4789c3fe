// The ARI operations this simulator implements, described as Asterisk 22 describes them (Swagger 1.1 style).
// This one table drives both the served `/ari/api-docs/*.json` and the HTTP router, so what is described is
// exactly what is implemented. Parameters are a subset of Asterisk's, each with Asterisk's name and types
// (checked against Asterisk's own description by test/integration/simulator/fidelity.test.ts).

export type ResourceName = 'asterisk' | 'applications' | 'channels' | 'bridges' | 'playbacks' | 'recordings' | 'events' | 'deviceStates' | 'endpoints';

export type AllowableValues =
  | { readonly valueType: 'LIST'; readonly values: readonly string[] }
  | { readonly valueType: 'RANGE'; readonly min?: number; readonly max?: number };

export interface ParamSpec {
  readonly name: string;
  readonly paramType: 'path' | 'query' | 'body';
  readonly dataType: string;
  readonly required: boolean;
  readonly allowMultiple: boolean;
  readonly allowableValues?: AllowableValues;
  readonly defaultValue?: string | number | boolean;
}

export interface OperationSpec {
  readonly resource: ResourceName;
  readonly path: string;
  readonly httpMethod: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly nickname: string;
  readonly summary: string;
  readonly responseClass: string;
  readonly parameters: readonly ParamSpec[];
  readonly errorResponses: readonly { readonly code: number; readonly reason: string }[];
  /** Only the events WebSocket. */
  readonly upgrade?: 'websocket';
}

type ParamOptions = Partial<Pick<ParamSpec, 'required' | 'allowMultiple' | 'allowableValues' | 'defaultValue'>>;

function path(name: string, required = true): ParamSpec {
  return { name, paramType: 'path', dataType: 'string', required, allowMultiple: false };
}
function query(name: string, dataType: string, options: ParamOptions = {}): ParamSpec {
  return { name, paramType: 'query', dataType, required: false, allowMultiple: false, ...options };
}
function body(name: string, options: ParamOptions = {}): ParamSpec {
  return { name, paramType: 'body', dataType: 'containers', required: false, allowMultiple: false, ...options };
}
function list(...values: string[]): AllowableValues {
  return { valueType: 'LIST', values };
}
function errors(...pairs: [number, string][]): OperationSpec['errorResponses'] {
  return pairs.map(([code, reason]) => ({ code, reason }));
}

const NOT_FOUND: [number, string] = [404, 'Channel not found'];
const NOT_IN_STASIS: [number, string] = [409, 'Channel not in a Stasis application'];
const INVALID_STATE: [number, string] = [412, 'Channel in invalid state'];
const CHANNEL_ERRORS = errors(NOT_FOUND, NOT_IN_STASIS, INVALID_STATE);

const ORIGINATE_TAIL: ParamSpec[] = [
  query('extension', 'string'),
  query('context', 'string'),
  query('priority', 'long'),
  query('label', 'string'),
  query('app', 'string'),
  query('appArgs', 'string'),
  query('callerId', 'string'),
  query('timeout', 'int', { defaultValue: 30 }),
  body('variables'),
];

const PLAY_PARAMS: ParamSpec[] = [
  query('media', 'string', { required: true, allowMultiple: true }),
  query('lang', 'string'),
  query('offsetms', 'int'),
  query('skipms', 'int', { defaultValue: 3000 }),
];

const BRIDGE_PLAY_PARAMS: ParamSpec[] = [
  query('media', 'string', { required: true, allowMultiple: true }),
  query('announcer_format', 'string'),
  query('lang', 'string'),
  query('offsetms', 'int', { defaultValue: 0, allowableValues: { valueType: 'RANGE', min: 0 } }),
  query('skipms', 'int', { defaultValue: 3000, allowableValues: { valueType: 'RANGE', min: 0 } }),
];
const BRIDGE_PLAY_ERRORS = errors([404, 'Bridge not found'], [409, 'Bridge not in a Stasis application'], [422, 'The format specified is unknown on this system']);
const DEVICE_STATE_ERRORS = errors([404, 'Device name is missing'], [409, 'Uncontrolled device specified']);

const HANGUP_REASONS = list(
  'normal',
  'busy',
  'congestion',
  'no_answer',
  'timeout',
  'rejected',
  'unallocated',
  'normal_unspecified',
  'number_incomplete',
  'codec_mismatch',
  'interworking',
  'failure',
  'answered_elsewhere',
);

export const OPERATIONS: readonly OperationSpec[] = [
  // asterisk
  {
    resource: 'asterisk',
    path: '/asterisk/info',
    httpMethod: 'GET',
    nickname: 'getInfo',
    summary: 'Gets Asterisk system information.',
    responseClass: 'AsteriskInfo',
    parameters: [query('only', 'string', { allowMultiple: true, allowableValues: list('build', 'system', 'config', 'status') })],
    errorResponses: [],
  },
  {
    resource: 'asterisk',
    path: '/asterisk/ping',
    httpMethod: 'GET',
    nickname: 'ping',
    summary: 'Response pong message.',
    responseClass: 'AsteriskPing',
    parameters: [],
    errorResponses: [],
  },
  // applications
  {
    resource: 'applications',
    path: '/applications',
    httpMethod: 'GET',
    nickname: 'list',
    summary: 'List all applications.',
    responseClass: 'List[Application]',
    parameters: [],
    errorResponses: [],
  },
  {
    resource: 'applications',
    path: '/applications/{applicationName}',
    httpMethod: 'GET',
    nickname: 'get',
    summary: 'Get details of an application.',
    responseClass: 'Application',
    parameters: [path('applicationName')],
    errorResponses: errors([404, 'Application does not exist.']),
  },
  {
    resource: 'applications',
    path: '/applications/{applicationName}/subscription',
    httpMethod: 'POST',
    nickname: 'subscribe',
    summary: 'Subscribe an application to a event source.',
    responseClass: 'Application',
    parameters: [path('applicationName'), query('eventSource', 'string', { required: true, allowMultiple: true })],
    errorResponses: errors([400, 'Missing parameter.'], [404, 'Application does not exist.'], [422, 'Event source does not exist.']),
  },
  {
    resource: 'applications',
    path: '/applications/{applicationName}/subscription',
    httpMethod: 'DELETE',
    nickname: 'unsubscribe',
    summary: 'Unsubscribe an application from an event source.',
    responseClass: 'Application',
    parameters: [path('applicationName'), query('eventSource', 'string', { required: true, allowMultiple: true })],
    errorResponses: errors(
      [400, 'Missing parameter; event source scheme not recognized.'],
      [404, 'Application does not exist.'],
      [409, 'Application not subscribed to event source.'],
      [422, 'Event source does not exist.'],
    ),
  },
  // endpoints
  {
    resource: 'endpoints',
    path: '/endpoints',
    httpMethod: 'GET',
    nickname: 'list',
    summary: 'List all endpoints.',
    responseClass: 'List[Endpoint]',
    parameters: [],
    errorResponses: [],
  },
  {
    resource: 'endpoints',
    path: '/endpoints/{tech}',
    httpMethod: 'GET',
    nickname: 'listByTech',
    summary: 'List available endoints for a given endpoint technology.',
    responseClass: 'List[Endpoint]',
    parameters: [path('tech', false)],
    errorResponses: errors([404, 'Endpoints not found']),
  },
  {
    resource: 'endpoints',
    path: '/endpoints/{tech}/{resource}',
    httpMethod: 'GET',
    nickname: 'get',
    summary: 'Details for an endpoint.',
    responseClass: 'Endpoint',
    parameters: [path('tech', false), path('resource', false)],
    errorResponses: errors([400, 'Invalid parameters for sending a message.'], [404, 'Endpoints not found']),
  },
  // channels
  {
    resource: 'channels',
    path: '/channels',
    httpMethod: 'GET',
    nickname: 'list',
    summary: 'List all active channels in Asterisk.',
    responseClass: 'List[Channel]',
    parameters: [],
    errorResponses: [],
  },
  {
    resource: 'channels',
    path: '/channels',
    httpMethod: 'POST',
    nickname: 'originate',
    summary: 'Create a new channel (originate).',
    responseClass: 'Channel',
    parameters: [
      query('endpoint', 'string', { required: true }),
      ...ORIGINATE_TAIL,
      query('channelId', 'string'),
      query('otherChannelId', 'string'),
      query('originator', 'string'),
      query('formats', 'string'),
    ],
    errorResponses: errors([400, 'Invalid parameters for originating a channel.'], [409, 'Channel with given unique ID already exists.']),
  },
  {
    resource: 'channels',
    path: '/channels/create',
    httpMethod: 'POST',
    nickname: 'create',
    summary: 'Create channel.',
    responseClass: 'Channel',
    parameters: [
      query('endpoint', 'string', { required: true }),
      query('app', 'string', { required: true }),
      query('appArgs', 'string'),
      query('channelId', 'string'),
      query('otherChannelId', 'string'),
      query('originator', 'string'),
      query('formats', 'string'),
      body('variables'),
    ],
    errorResponses: errors([409, 'Channel with given unique ID already exists.']),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}',
    httpMethod: 'GET',
    nickname: 'get',
    summary: 'Channel details.',
    responseClass: 'Channel',
    parameters: [path('channelId')],
    errorResponses: errors(NOT_FOUND),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}',
    httpMethod: 'POST',
    nickname: 'originateWithId',
    summary: 'Create a new channel (originate with id).',
    responseClass: 'Channel',
    parameters: [
      path('channelId'),
      query('endpoint', 'string', { required: true }),
      ...ORIGINATE_TAIL,
      query('otherChannelId', 'string'),
      query('originator', 'string'),
      query('formats', 'string'),
    ],
    errorResponses: errors([400, 'Invalid parameters for originating a channel.'], [409, 'Channel with given unique ID already exists.']),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}',
    httpMethod: 'DELETE',
    nickname: 'hangup',
    summary: 'Delete (i.e. hangup) a channel.',
    responseClass: 'void',
    parameters: [path('channelId'), query('reason_code', 'string'), query('reason', 'string', { allowableValues: HANGUP_REASONS })],
    errorResponses: errors([400, 'Invalid reason for hangup provided'], NOT_FOUND),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/continue',
    httpMethod: 'POST',
    nickname: 'continueInDialplan',
    summary: 'Exit application; continue execution in the dialplan.',
    responseClass: 'void',
    parameters: [path('channelId'), query('context', 'string'), query('extension', 'string'), query('priority', 'int'), query('label', 'string')],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/answer',
    httpMethod: 'POST',
    nickname: 'answer',
    summary: 'Answer a channel.',
    responseClass: 'void',
    parameters: [path('channelId')],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/ring',
    httpMethod: 'POST',
    nickname: 'ring',
    summary: 'Indicate ringing to a channel.',
    responseClass: 'void',
    parameters: [path('channelId')],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/ring',
    httpMethod: 'DELETE',
    nickname: 'ringStop',
    summary: 'Stop ringing indication on a channel if locally generated.',
    responseClass: 'void',
    parameters: [path('channelId')],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/move',
    httpMethod: 'POST',
    nickname: 'move',
    summary: 'Move the channel from one Stasis application to another.',
    responseClass: 'void',
    parameters: [path('channelId'), query('app', 'string', { required: true }), query('appArgs', 'string')],
    errorResponses: errors(NOT_FOUND, NOT_IN_STASIS),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/redirect',
    httpMethod: 'POST',
    nickname: 'redirect',
    summary: 'Redirect the channel to a different location.',
    responseClass: 'void',
    parameters: [path('channelId'), query('endpoint', 'string', { required: true })],
    errorResponses: errors(
      [400, 'Endpoint parameter not provided'],
      [404, 'Channel or endpoint not found'],
      NOT_IN_STASIS,
      [422, 'Endpoint is not the same type as the channel'],
      INVALID_STATE,
    ),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/moh',
    httpMethod: 'POST',
    nickname: 'startMoh',
    summary: 'Play music on hold to a channel.',
    responseClass: 'void',
    parameters: [path('channelId'), query('mohClass', 'string')],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/moh',
    httpMethod: 'DELETE',
    nickname: 'stopMoh',
    summary: 'Stop playing music on hold to a channel.',
    responseClass: 'void',
    parameters: [path('channelId')],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/play',
    httpMethod: 'POST',
    nickname: 'play',
    summary: 'Start playback of media.',
    responseClass: 'Playback',
    parameters: [path('channelId'), ...PLAY_PARAMS, query('playbackId', 'string')],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/play/{playbackId}',
    httpMethod: 'POST',
    nickname: 'playWithId',
    summary: 'Start playback of media and specify the playbackId.',
    responseClass: 'Playback',
    parameters: [path('channelId'), path('playbackId'), ...PLAY_PARAMS],
    errorResponses: CHANNEL_ERRORS,
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/record',
    httpMethod: 'POST',
    nickname: 'record',
    summary: 'Start a recording.',
    responseClass: 'LiveRecording',
    parameters: [
      path('channelId'),
      query('name', 'string', { required: true }),
      query('format', 'string', { required: true }),
      query('maxDurationSeconds', 'int', { defaultValue: 0, allowableValues: { valueType: 'RANGE', min: 0 } }),
      query('maxSilenceSeconds', 'int', { defaultValue: 0, allowableValues: { valueType: 'RANGE', min: 0 } }),
      query('ifExists', 'string', { defaultValue: 'fail', allowableValues: list('fail', 'overwrite', 'append') }),
      query('beep', 'boolean', { defaultValue: false }),
      query('terminateOn', 'string', { defaultValue: 'none', allowableValues: list('none', 'any', '*', '#') }),
    ],
    errorResponses: errors(
      [400, 'Invalid parameters'],
      NOT_FOUND,
      [
        409,
        'Channel is not in a Stasis application; the channel is currently bridged with other channels; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail',
      ],
      [422, 'The format specified is unknown on this system'],
    ),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/variable',
    httpMethod: 'GET',
    nickname: 'getChannelVar',
    summary: 'Get the value of a channel variable or function.',
    responseClass: 'Variable',
    parameters: [path('channelId'), query('variable', 'string', { required: true })],
    errorResponses: errors([400, 'Missing variable parameter.'], [404, 'Channel or variable not found'], NOT_IN_STASIS),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/variable',
    httpMethod: 'POST',
    nickname: 'setChannelVar',
    summary: 'Set the value of a channel variable or function.',
    responseClass: 'void',
    parameters: [
      path('channelId'),
      query('variable', 'string', { required: true }),
      query('value', 'string'),
      query('report_events', 'boolean', { defaultValue: false }),
    ],
    errorResponses: errors([400, 'Missing variable parameter.'], NOT_FOUND, NOT_IN_STASIS),
  },
  {
    resource: 'channels',
    path: '/channels/{channelId}/dial',
    httpMethod: 'POST',
    nickname: 'dial',
    summary: 'Dial a created channel.',
    responseClass: 'void',
    parameters: [path('channelId'), query('caller', 'string'), query('timeout', 'int', { defaultValue: 0, allowableValues: { valueType: 'RANGE', min: 0 } })],
    errorResponses: errors([404, 'Channel cannot be found.'], [409, 'Channel cannot be dialed.']),
  },
  // bridges
  {
    resource: 'bridges',
    path: '/bridges',
    httpMethod: 'GET',
    nickname: 'list',
    summary: 'List all active bridges in Asterisk.',
    responseClass: 'List[Bridge]',
    parameters: [],
    errorResponses: [],
  },
  {
    resource: 'bridges',
    path: '/bridges',
    httpMethod: 'POST',
    nickname: 'create',
    summary: 'Create a new bridge.',
    responseClass: 'Bridge',
    parameters: [query('type', 'string'), query('bridgeId', 'string'), query('name', 'string')],
    errorResponses: errors([409, 'Bridge with the same bridgeId already exists']),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}',
    httpMethod: 'POST',
    nickname: 'createWithId',
    summary: 'Create a new bridge or updates an existing one.',
    responseClass: 'Bridge',
    parameters: [query('type', 'string'), path('bridgeId'), query('name', 'string')],
    errorResponses: errors([409, 'Bridge with the same bridgeId already exists']),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}',
    httpMethod: 'GET',
    nickname: 'get',
    summary: 'Get bridge details.',
    responseClass: 'Bridge',
    parameters: [path('bridgeId')],
    errorResponses: errors([404, 'Bridge not found']),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}',
    httpMethod: 'DELETE',
    nickname: 'destroy',
    summary: 'Shut down a bridge.',
    responseClass: 'void',
    parameters: [path('bridgeId')],
    errorResponses: errors([404, 'Bridge not found']),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/addChannel',
    httpMethod: 'POST',
    nickname: 'addChannel',
    summary: 'Add a channel to a bridge.',
    responseClass: 'void',
    parameters: [
      path('bridgeId'),
      query('channel', 'string', { required: true, allowMultiple: true }),
      query('role', 'string'),
      query('absorbDTMF', 'boolean', { defaultValue: false }),
      query('mute', 'boolean', { defaultValue: false }),
      query('inhibitConnectedLineUpdates', 'boolean', { defaultValue: false }),
    ],
    errorResponses: errors(
      [400, 'Channel not found'],
      [404, 'Bridge not found'],
      [409, 'Bridge not in Stasis application; Channel currently recording'],
      [422, 'Channel not in Stasis application'],
    ),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/removeChannel',
    httpMethod: 'POST',
    nickname: 'removeChannel',
    summary: 'Remove a channel from a bridge.',
    responseClass: 'void',
    parameters: [path('bridgeId'), query('channel', 'string', { required: true, allowMultiple: true })],
    errorResponses: errors([400, 'Channel not found'], [404, 'Bridge not found'], [409, 'Bridge not in Stasis application'], [422, 'Channel not in this bridge']),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/moh',
    httpMethod: 'POST',
    nickname: 'startMoh',
    summary: 'Play music on hold to a bridge or change the MOH class that is playing.',
    responseClass: 'void',
    parameters: [path('bridgeId'), query('mohClass', 'string')],
    errorResponses: errors([404, 'Bridge not found'], [409, 'Bridge not in Stasis application']),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/moh',
    httpMethod: 'DELETE',
    nickname: 'stopMoh',
    summary: 'Stop playing music on hold to a bridge.',
    responseClass: 'void',
    parameters: [path('bridgeId')],
    errorResponses: errors([404, 'Bridge not found'], [409, 'Bridge not in Stasis application']),
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/play',
    httpMethod: 'POST',
    nickname: 'play',
    summary: 'Start playback of media on a bridge.',
    responseClass: 'Playback',
    parameters: [path('bridgeId'), ...BRIDGE_PLAY_PARAMS, query('playbackId', 'string')],
    errorResponses: BRIDGE_PLAY_ERRORS,
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/play/{playbackId}',
    httpMethod: 'POST',
    nickname: 'playWithId',
    summary: 'Start playback of media on a bridge.',
    responseClass: 'Playback',
    parameters: [path('bridgeId'), path('playbackId'), ...BRIDGE_PLAY_PARAMS],
    errorResponses: BRIDGE_PLAY_ERRORS,
  },
  {
    resource: 'bridges',
    path: '/bridges/{bridgeId}/record',
    httpMethod: 'POST',
    nickname: 'record',
    summary: 'Start a recording.',
    responseClass: 'LiveRecording',
    parameters: [
      path('bridgeId'),
      query('name', 'string', { required: true }),
      query('format', 'string', { required: true }),
      query('recorder_format', 'string'),
      query('maxDurationSeconds', 'int', { defaultValue: 0, allowableValues: { valueType: 'RANGE', min: 0 } }),
      query('maxSilenceSeconds', 'int', { defaultValue: 0, allowableValues: { valueType: 'RANGE', min: 0 } }),
      query('ifExists', 'string', { defaultValue: 'fail', allowableValues: list('fail', 'overwrite', 'append') }),
      query('beep', 'boolean', { defaultValue: false }),
      query('terminateOn', 'string', { defaultValue: 'none', allowableValues: list('none', 'any', '*', '#') }),
    ],
    errorResponses: errors(
      [400, 'Invalid parameters'],
      [404, 'Bridge not found'],
      [
        409,
        'Bridge is not in a Stasis application; A recording with the same name already exists on the system and can not be overwritten because it is in progress or ifExists=fail',
      ],
      [422, 'The format specified is unknown on this system'],
    ),
  },
  // playbacks
  {
    resource: 'playbacks',
    path: '/playbacks/{playbackId}',
    httpMethod: 'GET',
    nickname: 'get',
    summary: "Get a playback's details.",
    responseClass: 'Playback',
    parameters: [path('playbackId')],
    errorResponses: errors([404, 'The playback cannot be found']),
  },
  {
    resource: 'playbacks',
    path: '/playbacks/{playbackId}',
    httpMethod: 'DELETE',
    nickname: 'stop',
    summary: 'Stop a playback.',
    responseClass: 'void',
    parameters: [path('playbackId')],
    errorResponses: errors([404, 'The playback cannot be found']),
  },
  // recordings
  {
    resource: 'recordings',
    path: '/recordings/stored',
    httpMethod: 'GET',
    nickname: 'listStored',
    summary: 'List recordings that are complete.',
    responseClass: 'List[StoredRecording]',
    parameters: [],
    errorResponses: [],
  },
  {
    resource: 'recordings',
    path: '/recordings/stored/{recordingName}',
    httpMethod: 'GET',
    nickname: 'getStored',
    summary: "Get a stored recording's details.",
    responseClass: 'StoredRecording',
    parameters: [path('recordingName')],
    errorResponses: errors([404, 'Recording not found']),
  },
  {
    resource: 'recordings',
    path: '/recordings/stored/{recordingName}/file',
    httpMethod: 'GET',
    nickname: 'getStoredFile',
    summary: 'Get the file associated with the stored recording.',
    responseClass: 'binary',
    parameters: [path('recordingName')],
    errorResponses: errors([403, 'The recording file could not be opened'], [404, 'Recording not found']),
  },
  {
    resource: 'recordings',
    path: '/recordings/live/{recordingName}',
    httpMethod: 'GET',
    nickname: 'getLive',
    summary: 'List live recordings.',
    responseClass: 'LiveRecording',
    parameters: [path('recordingName')],
    errorResponses: errors([404, 'Recording not found']),
  },
  {
    resource: 'recordings',
    path: '/recordings/live/{recordingName}/stop',
    httpMethod: 'POST',
    nickname: 'stop',
    summary: 'Stop a live recording and store it.',
    responseClass: 'void',
    parameters: [path('recordingName')],
    errorResponses: errors([404, 'Recording not found']),
  },
  // deviceStates
  {
    resource: 'deviceStates',
    path: '/deviceStates',
    httpMethod: 'GET',
    nickname: 'list',
    summary: 'List all ARI controlled device states.',
    responseClass: 'List[DeviceState]',
    parameters: [],
    errorResponses: [],
  },
  {
    resource: 'deviceStates',
    path: '/deviceStates/{deviceName}',
    httpMethod: 'GET',
    nickname: 'get',
    summary: 'Retrieve the current state of a device.',
    responseClass: 'DeviceState',
    parameters: [path('deviceName')],
    errorResponses: [],
  },
  {
    resource: 'deviceStates',
    path: '/deviceStates/{deviceName}',
    httpMethod: 'PUT',
    nickname: 'update',
    summary: 'Change the state of a device controlled by ARI. (Note - implicitly creates the device state).',
    responseClass: 'void',
    parameters: [
      path('deviceName'),
      query('deviceState', 'string', {
        required: true,
        allowableValues: list('NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'),
      }),
    ],
    errorResponses: DEVICE_STATE_ERRORS,
  },
  {
    resource: 'deviceStates',
    path: '/deviceStates/{deviceName}',
    httpMethod: 'DELETE',
    nickname: 'delete',
    summary: 'Destroy a device-state controlled by ARI.',
    responseClass: 'void',
    parameters: [path('deviceName')],
    errorResponses: DEVICE_STATE_ERRORS,
  },
  // events
  {
    resource: 'events',
    path: '/events',
    httpMethod: 'GET',
    nickname: 'eventWebsocket',
    summary: 'WebSocket connection for events.',
    responseClass: 'Message',
    upgrade: 'websocket',
    parameters: [query('app', 'string', { required: true, allowMultiple: true }), query('subscribeAll', 'boolean')],
    errorResponses: [],
  },
];

export const RESOURCE_DESCRIPTIONS: Readonly<Record<ResourceName, string>> = {
  asterisk: 'Asterisk resources',
  channels: 'Channel resources',
  bridges: 'Bridge resources',
  recordings: 'Recording resources',
  playbacks: 'Playback control resources',
  events: 'WebSocket resource',
  applications: 'Stasis application resources',
  deviceStates: 'Device state resources',
  endpoints: 'Endpoint resources',
};

/** In Asterisk's own order of `resources.json`. */
export const RESOURCE_ORDER: readonly ResourceName[] = [
  'asterisk',
  'endpoints',
  'channels',
  'bridges',
  'recordings',
  'playbacks',
  'deviceStates',
  'events',
  'applications',
];
