// The JSON shapes Asterisk sends for its objects, field for field as in the recorded transcripts.

import { formatAriTime } from '../ari-time.js';
import type { SimBridge, SimChannel, SimPlayback, SimRecording, StoredRecording } from './types.js';

export function channelJson(ch: SimChannel): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    protocol_id: '',
    caller: { name: ch.caller.name, number: ch.caller.number },
    connected: { name: ch.connected.name, number: ch.connected.number },
    accountcode: '',
    dialplan: { ...ch.dialplan },
    creationtime: formatAriTime(ch.createdAt),
    language: ch.language,
  };
  if (ch.reportedVars.size > 0) {
    const vars: Record<string, string> = {};
    for (const name of ch.reportedVars) vars[name] = ch.vars.get(name) ?? '';
    json['channelvars'] = vars;
  }
  return json;
}

export function bridgeJson(bridge: SimBridge): Record<string, unknown> {
  return {
    id: bridge.id,
    technology: bridge.bridgeType === 'holding' ? 'holding_bridge' : 'simple_bridge',
    bridge_type: bridge.bridgeType,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: bridge.name,
    channels: [...bridge.channelIds],
    creationtime: formatAriTime(bridge.createdAt),
    video_mode: 'talker',
  };
}

export function playbackJson(pb: SimPlayback): Record<string, unknown> {
  const json: Record<string, unknown> = { id: pb.id, media_uri: pb.media[pb.index] ?? pb.media[0] };
  const next = pb.media[pb.index + 1];
  if (next !== undefined && pb.state !== 'done' && pb.state !== 'failed') json['next_media_uri'] = next;
  json['target_uri'] = `${pb.target.kind}:${pb.target.id}`;
  json['language'] = pb.lang;
  json['state'] = pb.state;
  return json;
}

export function liveRecordingJson(rec: SimRecording): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: rec.name,
    format: rec.format,
    state: rec.state,
    target_uri: `${rec.target.kind}:${rec.target.id}`,
  };
  if (rec.durationSeconds !== null) {
    json['duration'] = rec.durationSeconds;
    json['talking_duration'] = rec.durationSeconds;
    json['silence_duration'] = 0;
  }
  return json;
}

export function storedRecordingJson(rec: StoredRecording): Record<string, unknown> {
  return { name: rec.name, format: rec.format };
}
