export { createWechatChannel, WECHAT_API_BASE, WECOM_API_BASE } from './wechat-channel.js';
export type { WechatChannel, WechatChannelOptions } from './wechat-channel.js';
export type { WechatMode } from './wechat-routes.js';
export { WECHAT_MEDIA_QUEUE_NAME } from './media-queue.js';
export type { MediaRetryPolicy } from './media-queue.js';
