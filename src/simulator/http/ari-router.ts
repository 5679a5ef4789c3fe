// Matches `/ari/...` requests to the described operations. Literal path segments win over `{param}` ones, so
// `POST /channels/create` is `create`, not `originateWithId` with id "create" (as in Asterisk's path tree).

import { OPERATIONS } from '../api/operations.js';
import type { OperationSpec } from '../api/operations.js';
import { AriError } from '../errors.js';

interface CompiledRoute {
  readonly op: OperationSpec;
  readonly segments: readonly { readonly literal?: string; readonly param?: string }[];
  readonly paramCount: number;
}

export interface RouteMatch {
  readonly op: OperationSpec;
  readonly pathParams: Record<string, string>;
}

export class AriRouter {
  private readonly routes: CompiledRoute[];

  constructor(operations: readonly OperationSpec[] = OPERATIONS) {
    this.routes = operations
      .filter((op) => !op.upgrade)
      .map((op) => {
        const segments = op.path
          .split('/')
          .filter(Boolean)
          .map((s) => (s.startsWith('{') && s.endsWith('}') ? { param: s.slice(1, -1) } : { literal: s }));
        return { op, segments, paramCount: segments.filter((s) => s.param).length };
      })
      .sort((a, b) => a.paramCount - b.paramCount);
  }

  /** `path` is below `/ari`, e.g. `/channels/123/answer`. Throws AriError 404/405 like Asterisk. */
  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').filter(Boolean).map(safeDecode);
    let pathMatched = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let matches = true;
      for (let i = 0; i < parts.length; i++) {
        const seg = route.segments[i];
        const part = parts[i] as string;
        if (seg?.literal !== undefined) {
          if (seg.literal !== part) {
            matches = false;
            break;
          }
        } else if (seg?.param) {
          params[seg.param] = part;
        }
      }
      if (!matches) continue;
      if (route.op.httpMethod !== method) {
        pathMatched = true;
        continue;
      }
      return { op: route.op, pathParams: params };
    }
    if (pathMatched) throw new AriError(405, 'Invalid method');
    throw new AriError(404, 'Resource not found');
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
