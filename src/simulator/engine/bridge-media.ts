// Media played into a bridge, as res_ari's bridges/{id}/play and /moh do it: an internal Announcer channel (its
// own command queue, so plays queue one after another) or a Stasis MOH channel joins the bridge; neither shows in
// the bridge's `channels` (the sanitizer hides internal channels) and their playback events reach the
// applications subscribed to the bridge. Who hears it depends on the bridge technology: every member of a mixing
// bridge; in a holding bridge the participants hear its one announcer and not each other.

import { randomUUID } from 'node:crypto';
import { AriError } from '../errors.js';
import { mediaDurationMs } from './media.js';
import type { MediaContext } from './media.js';
import { playbackJson } from './snapshots.js';
import type { PlayedMedia, SimBridge, SimChannel, SimPlayback } from './types.js';

/** The part of a bridge that decides who hears whom. */
export type BridgeMix = Pick<SimBridge, 'bridgeType' | 'channelIds' | 'roles'>;

/**
 * The members whose audio `channelId` hears: every other member of a mixing bridge; in a holding bridge a
 * participant hears only a member added with role `announcer`, and the announcer hears every participant.
 */
export function audibleMembers(bridge: BridgeMix, channelId: string): string[] {
  if (!bridge.channelIds.includes(channelId)) return [];
  const others = bridge.channelIds.filter((id) => id !== channelId);
  if (bridge.bridgeType === 'mixing') return others;
  if (bridge.roles.get(channelId) === 'announcer') return others;
  return others.filter((id) => bridge.roles.get(id) === 'announcer');
}

/**
 * The members that hear the bridge's own Announcer or MOH channel: every member of a mixing bridge, the
 * participants of a holding bridge. A holding bridge takes one announcer only, so while its music on hold plays
 * an announcement reaches nobody (applications stop the music first, as asterisk/ari-examples do).
 */
export function mediaListeners(bridge: BridgeMix & Pick<SimBridge, 'mohClass'>, source: 'announcement' | 'moh'): string[] {
  if (bridge.bridgeType === 'mixing') return [...bridge.channelIds];
  if (source === 'announcement' && bridge.mohClass !== null) return [];
  return bridge.channelIds.filter((id) => bridge.roles.get(id) !== 'announcer');
}

export interface BridgeMediaHost {
  readonly media: MediaContext;
  readonly playbacks: Map<string, SimPlayback>;
  now(): number;
  channel(id: string): SimChannel | undefined;
  /** Delivers to the applications subscribed to the bridge (and those subscribed to everything). */
  toBridgeApps(bridge: SimBridge, event: Record<string, unknown>): void;
  /** A channel in the bridge started hearing `media` (for observers waiting on what a caller heard). */
  heard(ch: SimChannel, media: string): void;
  finished(bridge: SimBridge, playbackId: string, state: 'done' | 'failed'): void;
}

export class BridgeMedia {
  /** What each member channel was recorded hearing for the item now playing, to close when it ends. */
  private readonly heardNow = new Map<string, PlayedMedia[]>();

  constructor(private readonly host: BridgeMediaHost) {}

  /** POST /bridges/{id}/play: 201 with the playback queued; the announcer starts it (or after the one playing). */
  play(bridge: SimBridge, media: readonly string[], lang: string | undefined, playbackId: string | undefined): Record<string, unknown> {
    if (media.length === 0) throw new AriError(400, 'media: Missing required parameter');
    const id = playbackId || randomUUID();
    if (this.host.playbacks.has(id)) throw new AriError(409, `Playback with id ${id} already exists`);
    // The announcer channel's language (ari_bridges_play_helper: S_OR(lang, snapshot->base->language)).
    const pb: SimPlayback = { id, target: { kind: 'bridge', id: bridge.id }, media: [...media], lang: lang || 'en', index: 0, state: 'queued', timer: null };
    this.host.playbacks.set(id, pb);
    bridge.playbackQueue.push(pb);
    const snapshot = playbackJson(pb);
    if (!bridge.activePlayback) setImmediate(() => this.startNext(bridge));
    return snapshot;
  }

  /** DELETE /playbacks/{id} of a bridge playback. */
  stop(bridge: SimBridge, pb: SimPlayback): void {
    if (bridge.activePlayback === pb) {
      this.finish(bridge, pb, 'done', 'stopped');
      setImmediate(() => this.startNext(bridge));
      return;
    }
    const i = bridge.playbackQueue.indexOf(pb);
    if (i >= 0) bridge.playbackQueue.splice(i, 1);
    this.finish(bridge, pb, 'done', 'stopped');
  }

  startMoh(bridge: SimBridge, mohClass: string): void {
    bridge.mohClass = mohClass;
  }

  /** stasis_app_bridge_moh_stop: 409 when no MOH channel plays to the bridge. */
  stopMoh(bridge: SimBridge): void {
    if (bridge.mohClass === null) throw new AriError(409, "Bridge isn't playing music");
    bridge.mohClass = null;
  }

  /** The bridge is destroyed: its announcer hangs up (the playing item ends, queued ones are dropped), MOH ends. */
  bridgeGone(bridge: SimBridge): void {
    for (const pb of bridge.playbackQueue) this.host.playbacks.delete(pb.id);
    bridge.playbackQueue.length = 0;
    if (bridge.activePlayback) this.finish(bridge, bridge.activePlayback, 'done', 'stopped');
    bridge.mohClass = null;
  }

  reset(): void {
    this.heardNow.clear();
  }

  private startNext(bridge: SimBridge): void {
    if (bridge.activePlayback) return;
    const pb = bridge.playbackQueue.shift();
    if (!pb) return;
    bridge.activePlayback = pb;
    this.playItem(bridge, pb);
  }

  private playItem(bridge: SimBridge, pb: SimPlayback): void {
    const uri = pb.media[pb.index] as string;
    pb.state = 'playing';
    this.host.toBridgeApps(bridge, { type: 'PlaybackStarted', playback: playbackJson(pb) });
    const startedAt = this.host.now();
    bridge.played.push({ playbackId: pb.id, media: uri, lang: pb.lang, startedAt, outcome: 'playing' });
    const entries: PlayedMedia[] = [];
    for (const id of mediaListeners(bridge, 'announcement')) {
      const ch = this.host.channel(id);
      if (!ch) continue;
      const entry: PlayedMedia = { playbackId: pb.id, media: uri, lang: pb.lang, startedAt, outcome: 'playing' };
      ch.played.push(entry);
      entries.push(entry);
      this.host.heard(ch, uri);
    }
    this.heardNow.set(pb.id, entries);
    const duration = mediaDurationMs(uri, pb.lang, this.host.media);
    // The same outcomes as a channel playback (res_stasis_playback runs the same code on the announcer channel).
    if (duration === 'skipped') {
      pb.timer = setTimeout(() => {
        pb.timer = null;
        this.closeItem(bridge, pb, 'failed');
        if (pb.index + 1 < pb.media.length) {
          pb.index += 1;
          this.playItem(bridge, pb);
        }
      }, 1);
      return;
    }
    if (duration === undefined) {
      pb.timer = setTimeout(() => {
        pb.timer = null;
        this.itemOver(bridge, pb, 'failed');
      }, 1);
      return;
    }
    if (duration === Number.POSITIVE_INFINITY) return;
    pb.timer = setTimeout(() => {
      pb.timer = null;
      this.itemOver(bridge, pb, 'done');
    }, duration);
  }

  private itemOver(bridge: SimBridge, pb: SimPlayback, outcome: 'done' | 'failed'): void {
    if (pb.index + 1 < pb.media.length) {
      this.closeItem(bridge, pb, outcome);
      pb.state = 'continuing';
      this.host.toBridgeApps(bridge, { type: 'PlaybackContinuing', playback: playbackJson(pb) });
      pb.index += 1;
      this.playItem(bridge, pb);
      return;
    }
    this.finish(bridge, pb, outcome, outcome);
    this.startNext(bridge);
  }

  private closeItem(bridge: SimBridge, pb: SimPlayback, outcome: 'done' | 'stopped' | 'failed'): void {
    for (const entry of this.heardNow.get(pb.id) ?? []) if (entry.outcome === 'playing') entry.outcome = outcome;
    this.heardNow.delete(pb.id);
    for (let i = bridge.played.length - 1; i >= 0; i--) {
      const entry = bridge.played[i];
      if (entry && entry.playbackId === pb.id && entry.outcome === 'playing') {
        entry.outcome = outcome;
        return;
      }
    }
  }

  private finish(bridge: SimBridge, pb: SimPlayback, state: 'done' | 'failed', outcome: 'done' | 'stopped' | 'failed'): void {
    if (pb.timer) clearTimeout(pb.timer);
    pb.timer = null;
    if (bridge.activePlayback === pb) bridge.activePlayback = null;
    this.closeItem(bridge, pb, outcome);
    pb.state = state;
    this.host.playbacks.delete(pb.id);
    this.host.toBridgeApps(bridge, { type: 'PlaybackFinished', playback: playbackJson(pb) });
    this.host.finished(bridge, pb.id, state);
  }
}
