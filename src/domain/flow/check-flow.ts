// Semantic checks on a built Flow: everything the schema cannot see. Pure; works on flows from YAML or from code.
// Paths use the YAML field names (`timeout`, not `timeoutMs`) so that problems can be located in the file.

import { QUEUE_PROMPT_IDS } from '../acd/caller-prompts.js';
import { formatDuration } from './duration.js';
import { issue } from './flow-error.js';
import type { FlowIssue, PathSegment } from './flow-error.js';
import { nodeLinks, nodePromptUses, waitsForCaller } from './flow-graph.js';
import { CASE_OUTCOMES, EMERGENCY_SERVICES, FAIR_USE_OUTCOMES, OPEN_CASE_OUTCOMES, RATE_OUTCOMES, SUBMIT_KINDS } from './types.js';
import type { Flow, FlowNode } from './types.js';

/** Anything longer in an IVR is a typo ("10h" for "10m"), not a wish. */
export const MAX_DURATION_MS = 3_600_000;
export const MAX_PRIORITY = 10;

/** Prompts that emergency forwarding plays around the service's number when every route failed. */
export const EMERGENCY_ANNOUNCEMENT = { before: 'emergency-unreachable', after: 'emergency-retrying' } as const;
const EMERGENCY_ANNOUNCEMENT_PROMPTS = Object.values(EMERGENCY_ANNOUNCEMENT);

export function checkFlow(flow: Flow): FlowIssue[] {
  const issues: FlowIssue[] = [];
  checkTopLevel(flow, issues);
  checkReferences(flow, issues);
  checkReachability(flow, issues);
  checkPrompts(flow, issues);
  checkNodes(flow, issues);
  checkInputlessLoops(flow, issues);
  return issues;
}

function checkTopLevel(flow: Flow, issues: FlowIssue[]): void {
  if (!flow.languages.includes(flow.defaultLanguage)) {
    issues.push(
      issue(['defaultLanguage'], 'FLOW_UNKNOWN_LANGUAGE', `default language "${flow.defaultLanguage}" is not in languages [${flow.languages.join(', ')}]`),
    );
  }
  if (!isValidTimeZone(flow.timezone)) {
    issues.push(issue(['timezone'], 'FLOW_BAD_TIMEZONE', `unknown time zone "${flow.timezone}" (use an IANA name such as Asia/Shanghai)`));
  }
  flow.holidays.forEach((date, index) => {
    if (!isCalendarDate(date)) issues.push(issue(['holidays', index], 'FLOW_BAD_HOLIDAY', `bad holiday "${date}": not a real date (YYYY-MM-DD)`));
  });
  checkDuration(flow.maxDurationMs, ['maxDuration'], issues);
  const repeat = flow.repeatKey;
  if (repeat === '#') {
    const terminated = Object.values(flow.nodes).find(
      (node) => node.type === 'record' || (node.type === 'collect' && node.terminator === '#'),
    );
    if (terminated) {
      issues.push(
        issue(
          ['globalKeys', 'repeat'],
          'FLOW_REPEAT_KEY_TERMINATOR',
          `repeat key "#" is also the terminator that ends input in node "${terminated.id}"; use "*" to repeat`,
        ),
      );
    }
  }
}

function checkReferences(flow: Flow, issues: FlowIssue[]): void {
  const ids = Object.keys(flow.nodes);
  const unknown = (path: readonly PathSegment[], target: string): void => {
    issues.push(issue(path, 'FLOW_UNKNOWN_NODE', `unknown node "${target}"${suggest(target, ids)}`));
  };
  if (!(flow.start in flow.nodes)) unknown(['start'], flow.start);
  if (!(flow.onMaxDuration in flow.nodes)) unknown(['onMaxDuration'], flow.onMaxDuration);
  if (flow.onIdle !== null && !(flow.onIdle in flow.nodes)) unknown(['onIdle'], flow.onIdle);
  for (const node of Object.values(flow.nodes)) {
    for (const link of nodeLinks(node)) {
      if (!(link.target in flow.nodes)) unknown(['nodes', node.id, ...link.field], link.target);
    }
  }
}

function checkReachability(flow: Flow, issues: FlowIssue[]): void {
  const roots = [flow.start, flow.onMaxDuration, ...(flow.onIdle === null ? [] : [flow.onIdle])].filter((id) => id in flow.nodes);
  // Without a valid start everything would look unreachable: the unknown-node error says enough.
  if (!(flow.start in flow.nodes)) return;
  const reached = new Set<string>(roots);
  const queue = [...roots];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const node = flow.nodes[id];
    if (!node) continue;
    for (const { target } of nodeLinks(node)) {
      if (target in flow.nodes && !reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  for (const id of Object.keys(flow.nodes)) {
    if (!reached.has(id)) {
      issues.push(issue(['nodes', id], 'FLOW_UNREACHABLE_NODE', `node "${id}" is unreachable from start "${flow.start}", onMaxDuration and onIdle`, { atKey: true }));
    }
  }
}

function checkPrompts(flow: Flow, issues: FlowIssue[]): void {
  const byAudio = new Map<string, string>();
  for (const [id, prompt] of Object.entries(flow.prompts)) {
    for (const lang of flow.languages) {
      if (!prompt.text[lang]?.trim()) {
        issues.push(issue(['prompts', id, 'text'], 'FLOW_MISSING_PROMPT_TEXT', `prompt "${id}" has no ${lang} text (the flow speaks ${flow.languages.join(', ')})`));
      }
    }
    const sharing = byAudio.get(prompt.audio);
    if (sharing !== undefined) {
      const other = flow.prompts[sharing];
      const sameText = other !== undefined && flow.languages.every((lang) => other.text[lang] === prompt.text[lang]);
      if (!sameText) {
        issues.push(
          issue(['prompts', id, 'audio'], 'FLOW_AUDIO_CONFLICT', `audio "${prompt.audio}" is also used by prompt "${sharing}" with a different text: one file cannot say both`),
        );
      }
    } else {
      byAudio.set(prompt.audio, id);
    }
  }

  const setVariables = new Set<string>();
  for (const node of Object.values(flow.nodes)) {
    for (const name of variablesSet(node)) setVariables.add(name);
  }
  const unset = (path: readonly PathSegment[], name: string): FlowIssue =>
    issue(path, 'FLOW_UNSET_VARIABLE', `variable "${name}" is read here but no collect, record, submit, menu, openCase or set node sets it`);
  const used = new Set<string>();
  const promptIds = Object.keys(flow.prompts);
  for (const node of Object.values(flow.nodes)) {
    for (const { field, ref } of nodePromptUses(node)) {
      const path = ['nodes', node.id, ...field];
      if (typeof ref === 'string') {
        used.add(ref);
        if (!(ref in flow.prompts)) issues.push(issue(path, 'FLOW_UNKNOWN_PROMPT', `unknown prompt "${ref}"${suggest(ref, promptIds)}`));
      } else if (!setVariables.has(ref.digits)) {
        issues.push(unset([...path, 'digits'], ref.digits));
      }
    }
    for (const [field, name] of variablesRead(node)) {
      if (!setVariables.has(name)) issues.push(unset(['nodes', node.id, field], name));
    }
  }
  // Emergency forwarding plays these itself when every route failed, around the service's number.
  const forwards = Object.values(flow.nodes).some((node) => node.type === 'emergency');
  for (const id of EMERGENCY_ANNOUNCEMENT_PROMPTS) {
    used.add(id);
    if (forwards && !(id in flow.prompts)) {
      issues.push(issue(['prompts'], 'FLOW_UNKNOWN_PROMPT', `prompt "${id}" is required by emergency nodes (played when every route failed)`));
    }
  }
  // The gateway's queue plays these itself to the callers a queue node hands to it (caller-prompts.ts).
  const queues = Object.values(flow.nodes).some((node) => node.type === 'queue');
  for (const id of QUEUE_PROMPT_IDS) {
    used.add(id);
    if (queues && !(id in flow.prompts)) {
      issues.push(issue(['prompts'], 'FLOW_UNKNOWN_PROMPT', `prompt "${id}" is required by queue nodes (played to callers waiting for an agent)`));
    }
  }
  for (const id of promptIds) {
    if (!used.has(id)) issues.push(issue(['prompts', id], 'FLOW_UNUSED_PROMPT', `prompt "${id}" is never played`, { severity: 'warning', atKey: true }));
  }
}

function checkNodes(flow: Flow, issues: FlowIssue[]): void {
  for (const node of Object.values(flow.nodes)) {
    const at = (...field: PathSegment[]): PathSegment[] => ['nodes', node.id, ...field];
    switch (node.type) {
      case 'menu':
        checkDuration(node.timeoutMs, at('timeout'), issues);
        for (const digit of Object.keys(node.options)) {
          if (digit === flow.repeatKey) {
            issues.push(issue(at('options', digit), 'FLOW_REPEAT_KEY_OPTION', `"${digit}" is the global repeat key and cannot be a menu option`, { atKey: true }));
          } else if (digit === '#') {
            issues.push(
              issue(at('options', digit), 'FLOW_TERMINATOR_OPTION', `"#" is the terminator key (it ends digit entry and recordings) and cannot be a menu option`, { atKey: true }),
            );
          }
        }
        break;
      case 'collect':
        checkDuration(node.timeoutMs, at('timeout'), issues);
        checkDuration(node.interDigitTimeoutMs, at('interDigitTimeout'), issues);
        if (node.minDigits > node.maxDigits) {
          issues.push(issue(at('minDigits'), 'FLOW_DIGIT_RANGE', `minDigits ${node.minDigits} is more than maxDigits ${node.maxDigits}`));
        }
        break;
      case 'record':
        checkDuration(node.maxDurationMs, at('maxDuration'), issues);
        checkDuration(node.maxSilenceMs, at('maxSilence'), issues, { zeroAllowed: true });
        break;
      case 'language':
        if (!flow.languages.includes(node.language)) {
          issues.push(issue(at('language'), 'FLOW_UNKNOWN_LANGUAGE', `language "${node.language}" is not in the flow's languages [${flow.languages.join(', ')}]`));
        }
        break;
      case 'emergency':
        if (!EMERGENCY_SERVICES.includes(node.service)) {
          issues.push(issue(at('service'), 'FLOW_UNKNOWN_SERVICE', `unknown emergency service "${String(node.service)}" (known: ${EMERGENCY_SERVICES.join(', ')})`));
        }
        break;
      case 'submit':
        if (!SUBMIT_KINDS.includes(node.kind)) {
          issues.push(issue(at('kind'), 'FLOW_SCHEMA', `unknown kind "${String(node.kind)}" (known: ${SUBMIT_KINDS.join(', ')})`));
        }
        break;
      case 'caseStatus':
        checkOutcomes(node.outcomes, CASE_OUTCOMES, at('outcomes'), 'every case status, and every reason a case cannot be read, needs a node', issues);
        break;
      case 'rateCase':
        checkOutcomes(node.outcomes, RATE_OUTCOMES, at('outcomes'), 'every way a rating can end needs a node', issues);
        break;
      case 'openCase':
        checkOutcomes(node.outcomes, OPEN_CASE_OUTCOMES, at('outcomes'), 'every open status, and no open case, needs a node', issues);
        break;
      case 'fairUse':
        checkOutcomes(node.outcomes, FAIR_USE_OUTCOMES, at('outcomes'), 'every fair-use verdict needs a node', issues);
        break;
      case 'queue':
        if (!Number.isInteger(node.priority) || node.priority < 0 || node.priority > MAX_PRIORITY) {
          issues.push(issue(at('priority'), 'FLOW_SCHEMA', `priority must be a whole number from 0 to ${MAX_PRIORITY}`));
        }
        break;
      case 'condition':
        node.branches.forEach((branch, b) =>
          branch.windows.forEach((window, w) => {
            if (Number.isFinite(window.fromMinute) && Number.isFinite(window.toMinute) && window.fromMinute >= window.toMinute) {
              issues.push(
                issue(
                  at('branches', b, 'when', w),
                  'FLOW_BAD_TIME_WINDOW',
                  `time window ${clock(window.fromMinute)}-${clock(window.toMinute)} is empty: "to" must be after "from" (split a window that crosses midnight in two)`,
                ),
              );
            }
          }),
        );
        break;
      default:
        break;
    }
  }
}

function checkOutcomes(outcomes: object, required: readonly string[], path: readonly PathSegment[], why: string, issues: FlowIssue[]): void {
  for (const outcome of required) {
    if (!Object.hasOwn(outcomes, outcome)) issues.push(issue(path, 'FLOW_SCHEMA', `missing outcome "${outcome}": ${why}`));
  }
}

/** Variables a node gives a value to. */
function variablesSet(node: FlowNode): string[] {
  switch (node.type) {
    case 'collect':
    case 'record':
    case 'openCase':
      return [node.variable];
    case 'submit':
      return node.pin === null ? [node.variable] : [node.variable, node.pin];
    case 'menu':
      return node.variable === null ? [] : [node.variable];
    case 'set':
      return Object.keys(node.variables);
    default:
      return [];
  }
}

/** Variables a node reads (besides `{ digits }` prompts), by the field that names them. */
function variablesRead(node: FlowNode): Array<[string, string]> {
  switch (node.type) {
    case 'submit':
      return node.private === null ? [['recording', node.recording]] : [['recording', node.recording], ['private', node.private]];
    case 'caseStatus':
      return node.pin === null ? [['ticket', node.ticket]] : [['ticket', node.ticket], ['pin', node.pin]];
    case 'rateCase':
      return [['ticket', node.ticket], ['score', node.score]];
    default:
      return [];
  }
}

function checkDuration(ms: number, path: readonly PathSegment[], issues: FlowIssue[], options: { zeroAllowed?: boolean } = {}): void {
  if (Number.isNaN(ms)) return; // already reported as unparseable
  if (ms < 0 || (ms === 0 && !options.zeroAllowed)) {
    issues.push(issue(path, 'FLOW_BAD_DURATION', `duration ${formatDuration(Math.max(ms, 0))} must be more than 0`));
  } else if (ms > MAX_DURATION_MS) {
    issues.push(issue(path, 'FLOW_BAD_DURATION', `duration ${formatDuration(ms)} is absurd for an IVR (at most 1h)`));
  }
}

/**
 * A cycle made only of nodes that do not wait for the caller (goto, set, language, condition, play) would spin
 * forever. Strongly connected components of that subgraph find every such cycle once.
 */
function checkInputlessLoops(flow: Flow, issues: FlowIssue[]): void {
  const order = Object.keys(flow.nodes);
  const passive = (id: string): FlowNode | undefined => {
    const node = flow.nodes[id];
    return node && !waitsForCaller(node) ? node : undefined;
  };
  const successors = (id: string): string[] => {
    const node = passive(id);
    return node ? nodeLinks(node).map((link) => link.target).filter((target) => passive(target) !== undefined) : [];
  };

  for (const component of stronglyConnected(order.filter((id) => passive(id)), successors)) {
    const first = component[0];
    if (first === undefined) continue;
    const selfLoop = component.length === 1 && successors(first).includes(first);
    if (component.length < 2 && !selfLoop) continue;
    const cycle = cycleThrough(first, new Set(component), successors);
    issues.push(
      issue(['nodes', first], 'FLOW_INPUTLESS_LOOP', `loop with no input node: ${cycle.join(' -> ')} never waits for the caller`, { atKey: true }),
    );
  }
}

/** Tarjan's algorithm; components come out with their members in flow order. */
function stronglyConnected(ids: readonly string[], successors: (id: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
    for (const next of successors(id)) {
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
        onStack.delete(member);
        component.push(member);
        if (member === id) break;
      }
      components.push(ids.filter((candidate) => component.includes(candidate)));
    }
  };
  for (const id of ids) if (!index.has(id)) visit(id);
  return components;
}

function cycleThrough(start: string, members: ReadonlySet<string>, successors: (id: string) => string[]): string[] {
  const path: string[] = [start];
  const seen = new Set<string>([start]);
  const walk = (id: string): boolean => {
    for (const next of successors(id)) {
      if (!members.has(next)) continue;
      if (next === start) {
        path.push(start);
        return true;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      path.push(next);
      if (walk(next)) return true;
      path.pop();
    }
    return false;
  };
  walk(start);
  return path;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** ` (did you mean "complaint"?)` when a known name is one or two typos away. */
function suggest(name: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    // Short names are all "close" to each other: only suggest when most of the name survives.
    if (distance < bestDistance && distance < name.length / 2) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
