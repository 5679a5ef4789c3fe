// The data models the served API description declares, per resource file, as Asterisk 22 declares them.
// ari-client needs them: it turns every WebSocket event into objects by looking up the event's model in
// `events.json`, so every event the simulator sends must have its model here.

import type { ResourceName } from './operations.js';

export interface ModelProperty {
  readonly type: string;
  readonly required: boolean;
  readonly allowableValues?: { readonly valueType: 'LIST'; readonly values: readonly string[] };
}

export interface ModelSpec {
  readonly id: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, ModelProperty>>;
  readonly subTypes?: readonly string[];
  readonly discriminator?: string;
}

const req = (type: string): ModelProperty => ({ type, required: true });
const opt = (type: string): ModelProperty => ({ type, required: false });
const oneOf = (...values: string[]): ModelProperty => ({ type: 'string', required: true, allowableValues: { valueType: 'LIST', values } });

function model(id: string, description: string, properties: Record<string, ModelProperty>, extra: Partial<ModelSpec> = {}): ModelSpec {
  return { id, description, properties, ...extra };
}

const CHANNEL_STATES = ['Down', 'Rsrved', 'OffHook', 'Dialing', 'Ring', 'Ringing', 'Up', 'Busy', 'Dialing Offhook', 'Pre-ring', 'Unknown'];

/** The events the simulator can send, each `[name, description, own properties]`. */
const EVENT_MODELS: readonly ModelSpec[] = [
  model('PlaybackStarted', 'Event showing the start of a media playback operation.', { playback: req('Playback') }),
  model('PlaybackContinuing', 'Event showing the continuation of a media playback operation from one media URI to the next in the list.', {
    playback: req('Playback'),
  }),
  model('PlaybackFinished', 'Event showing the completion of a media playback operation.', { playback: req('Playback') }),
  model('RecordingStarted', 'Event showing the start of a recording operation.', { recording: req('LiveRecording') }),
  model('RecordingFinished', 'Event showing the completion of a recording operation.', { recording: req('LiveRecording') }),
  model('RecordingFailed', 'Event showing failure of a recording operation.', { recording: req('LiveRecording') }),
  model('ApplicationReplaced', 'Notification that another WebSocket has taken over for an application.', {}),
  model('BridgeCreated', 'Notification that a bridge has been created.', { bridge: req('Bridge') }),
  model('BridgeDestroyed', 'Notification that a bridge has been destroyed.', { bridge: req('Bridge') }),
  model('ChannelCreated', 'Notification that a channel has been created.', { channel: req('Channel') }),
  model('ChannelDestroyed', 'Notification that a channel has been destroyed.', {
    cause: req('int'),
    cause_txt: req('string'),
    tech_cause: opt('int'),
    channel: req('Channel'),
  }),
  model('ChannelEnteredBridge', 'Notification that a channel has entered a bridge.', { bridge: req('Bridge'), channel: opt('Channel') }),
  model('ChannelLeftBridge', 'Notification that a channel has left a bridge.', { bridge: req('Bridge'), channel: req('Channel') }),
  model('ChannelStateChange', 'Notification of a channel\'s state change.', { channel: req('Channel') }),
  model('ChannelDtmfReceived', 'DTMF received on a channel.', { digit: req('string'), duration_ms: req('int'), channel: req('Channel') }),
  model('ChannelHangupRequest', 'A hangup was requested on the channel.', {
    cause: opt('int'),
    tech_cause: opt('int'),
    soft: opt('boolean'),
    channel: req('Channel'),
  }),
  model('ChannelVarset', 'Channel variable changed.', { variable: req('string'), value: req('string'), channel: opt('Channel') }),
  model('Dial', 'Dialing state has changed.', {
    caller: opt('Channel'),
    peer: req('Channel'),
    forward: opt('string'),
    forwarded: opt('Channel'),
    dialstring: opt('string'),
    dialstatus: req('string'),
  }),
  model('StasisEnd', 'Notification that a channel has left a Stasis application.', { channel: req('Channel') }),
  model('DeviceStateChanged', 'Notification that a device state has changed.', { device_state: req('DeviceState') }),
  model('EndpointStateChange', 'Endpoint state changed.', { endpoint: req('Endpoint') }),
  model('ApplicationMoveFailed', 'Notification that trying to move a channel to another Stasis application failed.', {
    channel: req('Channel'),
    destination: req('string'),
    args: req('List[string]'),
  }),
  model('StasisStart', 'Notification that a channel has entered a Stasis application.', {
    args: req('List[string]'),
    channel: req('Channel'),
    replace_channel: opt('Channel'),
  }),
];

export const EVENT_TYPES: readonly string[] = EVENT_MODELS.map((m) => m.id);

export const MODELS: Readonly<Record<ResourceName, readonly ModelSpec[]>> = {
  asterisk: [
    model('BuildInfo', 'Info about how Asterisk was built', {
      os: req('string'),
      kernel: req('string'),
      options: req('string'),
      machine: req('string'),
      date: req('string'),
      user: req('string'),
    }),
    model('SystemInfo', 'Info about Asterisk', { version: req('string'), entity_id: req('string') }),
    model('SetId', 'Effective user/group id', { user: req('string'), group: req('string') }),
    model('ConfigInfo', 'Info about Asterisk configuration', {
      name: req('string'),
      default_language: req('string'),
      max_channels: opt('int'),
      max_open_files: opt('int'),
      max_load: opt('double'),
      setid: req('SetId'),
    }),
    model('StatusInfo', 'Info about Asterisk status', { startup_time: req('Date'), last_reload_time: req('Date') }),
    model('AsteriskInfo', 'Asterisk system information', {
      build: opt('BuildInfo'),
      system: opt('SystemInfo'),
      config: opt('ConfigInfo'),
      status: opt('StatusInfo'),
    }),
    model('AsteriskPing', 'Asterisk ping information', { asterisk_id: req('string'), ping: req('string'), timestamp: req('string') }),
    model('Variable', 'The value of a channel variable', { value: req('string') }),
  ],
  applications: [
    model('Application', 'Details of a Stasis application', {
      name: req('string'),
      channel_ids: req('List[string]'),
      bridge_ids: req('List[string]'),
      endpoint_ids: req('List[string]'),
      device_names: req('List[string]'),
      events_allowed: req('List[object]'),
      events_disallowed: req('List[object]'),
    }),
  ],
  channels: [
    model('Dialed', 'Dialed channel information.', {}),
    model('DialplanCEP', 'Dialplan location (context/extension/priority)', {
      context: req('string'),
      exten: req('string'),
      priority: req('long'),
      app_name: req('string'),
      app_data: req('string'),
    }),
    model('CallerID', 'Caller identification', { name: req('string'), number: req('string') }),
    model('Channel', 'A specific communication connection between Asterisk and an Endpoint.', {
      id: req('string'),
      protocol_id: req('string'),
      name: req('string'),
      state: { ...oneOf(...CHANNEL_STATES) },
      caller: req('CallerID'),
      connected: req('CallerID'),
      accountcode: req('string'),
      dialplan: req('DialplanCEP'),
      creationtime: req('Date'),
      language: req('string'),
      channelvars: opt('object'),
    }),
  ],
  bridges: [
    model('Bridge', 'The merging of media from one or more channels.', {
      id: req('string'),
      technology: req('string'),
      bridge_type: oneOf('mixing', 'holding'),
      bridge_class: req('string'),
      creator: req('string'),
      name: req('string'),
      channels: req('List[string]'),
      video_mode: opt('string'),
      video_source_id: opt('string'),
      creationtime: req('Date'),
    }),
  ],
  playbacks: [
    model('Playback', 'Object representing the playback of media to a channel', {
      id: req('string'),
      media_uri: req('string'),
      next_media_uri: opt('string'),
      target_uri: req('string'),
      language: opt('string'),
      state: oneOf('queued', 'playing', 'continuing', 'done', 'failed'),
    }),
  ],
  recordings: [
    model('StoredRecording', 'A past recording that may be played back.', { name: req('string'), format: req('string') }),
    model('LiveRecording', 'A recording that is in progress', {
      name: req('string'),
      format: req('string'),
      target_uri: req('string'),
      state: oneOf('queued', 'recording', 'paused', 'done', 'failed', 'canceled'),
      duration: opt('int'),
      talking_duration: opt('int'),
      silence_duration: opt('int'),
      cause: opt('string'),
    }),
  ],
  deviceStates: [
    model('DeviceState', 'Represents the state of a device.', {
      name: req('string'),
      state: oneOf('UNKNOWN', 'NOT_INUSE', 'INUSE', 'BUSY', 'INVALID', 'UNAVAILABLE', 'RINGING', 'RINGINUSE', 'ONHOLD'),
    }),
  ],
  endpoints: [
    model(
      'Endpoint',
      'An external device that may offer/accept calls to/from Asterisk.\n\nUnlike most resources, which have a single unique identifier, an endpoint is uniquely identified by the technology/resource pair.',
      {
        technology: req('string'),
        resource: req('string'),
        state: { type: 'string', required: false, allowableValues: { valueType: 'LIST', values: ['unknown', 'offline', 'online'] } },
        channel_ids: req('List[string]'),
      },
    ),
  ],
  events: [
    model('Message', 'Base type for errors and events', { type: req('string'), asterisk_id: opt('string') }, {
      discriminator: 'type',
      subTypes: ['MissingParams', 'Event'],
    }),
    model('MissingParams', 'Error event sent when required params are missing.', { params: req('List[string]') }),
    model('Event', 'Base type for asynchronous events from Asterisk.', { application: req('string'), timestamp: req('Date') }, {
      subTypes: EVENT_TYPES,
    }),
    ...EVENT_MODELS,
  ],
};
