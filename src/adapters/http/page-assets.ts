// What the gateway's own web pages (the citizen web form, the agents' desktop and the supervisor view) share: static
// files read once at start-up, served from memory with a strong ETag, and found next to the sources.
//
// The files live next to the module that serves them (`src/adapters/http/<page>/assets/`). The build (`tsc`) emits
// only JavaScript, so when running from `dist/` the directory next to the compiled module has no assets; the
// package's own `src/` copy is used then (the package root is the nearest directory above with a `package.json`).

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';

export interface ServedAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Strong validator: the page asks with `If-None-Match` and gets a 304 while the file is unchanged. */
  readonly etag: string;
}

export function servedAsset(body: Buffer, contentType: string): ServedAsset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * Sends the asset, or 304 when the browser already has it. `no-cache`: the browser keeps its copy but asks every
 * time, so a new release is seen at once and an unchanged file costs a 304.
 */
export function sendAsset(reply: FastifyReply, asset: ServedAsset, ifNoneMatch: string | undefined): FastifyReply {
  void reply.header('etag', asset.etag).header('cache-control', 'no-cache');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === asset.etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

/**
 * Where a page's assets may be: `assets/` beside the module at `moduleUrl`, then `sourcePath` (relative to the
 * package root) for a module running from `dist/`.
 */
export function assetsDirCandidates(moduleUrl: string, sourcePath: string): string[] {
  const beside = resolve(fileURLToPath(new URL('./assets/', moduleUrl)));
  const root = packageRoot(dirname(fileURLToPath(moduleUrl)));
  return root === null ? [beside] : [beside, join(root, sourcePath)];
}

/** The first candidate holding `marker` (a file every copy of the assets has), or null. */
export function firstDirWith(candidates: readonly string[], marker: string): string | null {
  return candidates.find((dir) => existsSync(join(dir, marker))) ?? null;
}

function packageRoot(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
