// Where an agent may send a caller back to the queue: the skills of the flow's queue nodes (what the IVR routes
// by) and the categories (a caller who chose one is queued by it), each once, in the flow's order first.

import type { Flow } from '../flow/types.js';
import { CATEGORIES } from '../intake/submission.js';

export function transferSkills(flow: Pick<Flow, 'nodes'>): string[] {
  const queued = Object.values(flow.nodes).flatMap((node) => (node.type === 'queue' ? [node.skill] : []));
  return [...new Set([...queued, ...CATEGORIES])];
}
