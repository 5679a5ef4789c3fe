// A WeChat message as intake's draft. Each content message is one submission (a new request, or a follow-up of
// the citizen's open one); the files behind its MediaIds arrive later, as a follow-up carrying the attachments,
// because WeChat's 5-second reply window is too short to download a video.

import type { Location, SubmissionDraft } from '../intake/submission.js';
import type { ContentMessage } from './wechat-message.js';

/**
 * What stands for a message without words. These are WeChat's own notations in the chat list, so whoever reads the
 * submission knows at once what the citizen sent; intake also needs some text when the attachments are still on
 * their way.
 */
export const MEDIA_PLACEHOLDERS = {
  image: '[图片]',
  voice: '[语音]',
  video: '[视频]',
  shortvideo: '[小视频]',
  location: '[位置]',
  link: '[链接]',
} as const;

export interface DraftContext {
  /** The id of the request this message continues (the first submission of the conversation window). */
  readonly followUpOf?: string;
  /** Where the citizen last reported being (WeChat's LOCATION event), used when the message has no place of its own. */
  readonly reportedLocation?: Location;
}

export function messageToDraft(message: ContentMessage, context: DraftContext = {}): SubmissionDraft {
  const { text, location, mediaUrls } = contentOf(message);
  const place = location ?? context.reportedLocation;
  return {
    channel: 'wechat',
    text,
    contact: { wechatOpenId: message.fromUserName },
    ...(place === undefined ? {} : { location: place }),
    refs: {
      wechatMsgId: message.msgId,
      wechatOpenId: message.fromUserName,
      ...(mediaUrls.length === 0 ? {} : { mediaUrls }),
      ...(context.followUpOf === undefined ? {} : { followUpOf: context.followUpOf }),
    },
  };
}

interface Content {
  readonly text: string;
  readonly location?: Location;
  readonly mediaUrls: readonly string[];
}

function contentOf(message: ContentMessage): Content {
  switch (message.kind) {
    case 'text':
      return { text: message.content, mediaUrls: [] };
    case 'image':
      return { text: MEDIA_PLACEHOLDERS.image, mediaUrls: webUrls([message.picUrl]) };
    case 'voice':
      return { text: message.recognition ?? MEDIA_PLACEHOLDERS.voice, mediaUrls: [] };
    case 'video':
    case 'shortvideo':
      return { text: MEDIA_PLACEHOLDERS[message.kind], mediaUrls: [] };
    case 'location': {
      const label = message.label.trim();
      return {
        text: label === '' ? MEDIA_PLACEHOLDERS.location : `${MEDIA_PLACEHOLDERS.location} ${label}`,
        location: { lat: message.lat, lon: message.lon, ...(label === '' ? {} : { address: label.slice(0, 500) }) },
        mediaUrls: [],
      };
    }
    case 'link': {
      const lines = [message.title, message.description, message.url].map((line) => line.trim()).filter((line) => line !== '');
      return { text: [MEDIA_PLACEHOLDERS.link, ...lines].join('\n'), mediaUrls: webUrls([message.url]) };
    }
  }
}

/** Only absolute http(s) URLs are kept as links: anything else (javascript:, data:) is text, never a reference. */
function webUrls(candidates: readonly string[]): string[] {
  return candidates.map((u) => u.trim()).filter((u) => u.length <= 2048 && /^https?:\/\/[^\s/?#]+[^\s]*$/i.test(u));
}

export type MediaRole = 'image' | 'voice' | 'video' | 'thumbnail';

export interface MediaItem {
  readonly mediaId: string;
  readonly role: MediaRole;
}

/** The files WeChat holds for this message (for 3 days), to fetch by MediaId. */
export function mediaToFetch(message: ContentMessage): MediaItem[] {
  switch (message.kind) {
    case 'image':
      return [{ mediaId: message.mediaId, role: 'image' }];
    case 'voice':
      return [{ mediaId: message.mediaId, role: 'voice' }];
    case 'video':
    case 'shortvideo':
      // The thumbnail too: a video can be over the attachment size limit, and then the still is what remains.
      return [
        { mediaId: message.mediaId, role: 'video' },
        ...(message.thumbMediaId === undefined ? [] : [{ mediaId: message.thumbMediaId, role: 'thumbnail' as const }]),
      ];
    default:
      return [];
  }
}
