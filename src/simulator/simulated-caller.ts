// `hotline-gateway call`: an interactive caller for the built-in simulator. It places a call through the
// simulator's control API, shows the text of every prompt as Asterisk starts playing it, sends the digits
// typed on each line, and says where the call went (emergency line, queue, dialplan).

import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parseFlow } from '../domain/flow/parse-flow.js';
import type { Flow } from '../domain/flow/types.js';

export interface SimulatedCallerOptions {
  readonly from: string;
  readonly controlUrl: string;
  readonly flowFile: string;
  readonly input: NodeJS.ReadableStream;
  readonly out: (line: string) => void;
  readonly pollMs?: number;
}

interface ChannelView {
  readonly id: string;
  readonly state: string;
  readonly bridgeId: string | null;
  readonly ringing: boolean;
  readonly played: ReadonlyArray<{ readonly media: string; readonly lang: string; readonly outcome: string }>;
  readonly continuedTo: { readonly context: string; readonly extension: string } | null;
  readonly variables: Readonly<Record<string, string>>;
  readonly hungUp: boolean;
}

interface BridgeView {
  readonly id: string;
  readonly channelIds: readonly string[];
}

export class SimulatedCallerError extends Error {
  readonly code = 'SIM_CALLER_FAILED';
}

async function loadPromptTexts(file: string): Promise<Map<string, string>> {
  const result = parseFlow(await readFile(file, 'utf8'), file);
  if ('errors' in result) throw new SimulatedCallerError(`cannot read prompts from ${file}: ${result.errors.length} flow errors`);
  const flow: Flow = result.flow;
  const texts = new Map<string, string>();
  for (const prompt of Object.values(flow.prompts)) {
    for (const [lang, text] of Object.entries(prompt.text)) texts.set(`${lang}:sound:${prompt.audio}`, text);
  }
  return texts;
}

export async function runSimulatedCaller(options: SimulatedCallerOptions): Promise<number> {
  const { out } = options;
  const texts = await loadPromptTexts(options.flowFile);
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${options.controlUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (err) {
      throw new SimulatorUnreachable(options.controlUrl, err);
    }
    if (!response.ok) throw new SimulatedCallerError(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };

  const { channelId } = await call<{ channelId: string }>('POST', '/calls', { from: options.from });
  out(`calling 12345 from ${options.from} (channel ${channelId}). Type digits and Enter; "h" hangs up.`);

  let shown = 0;
  let ended = false;
  let lastStatus = '';
  const poll = async (): Promise<void> => {
    const view = await call<ChannelView>('GET', `/channels/${encodeURIComponent(channelId)}`);
    for (; shown < view.played.length; shown += 1) {
      const played = view.played[shown];
      if (played === undefined) continue;
      const text = played.media.startsWith('digits:') ? played.media.slice(7).split('').join(' ') : texts.get(`${played.lang}:${played.media}`);
      out(`  ♪ [${played.lang}] ${text ?? played.media}${played.outcome === 'failed' ? '  (sound file missing: run `hotline-gateway prompts render`)' : ''}`);
    }
    let status = '';
    if (view.ringing) status = 'ringing...';
    if (view.bridgeId !== null) {
      const bridges = await call<BridgeView[]>('GET', '/bridges');
      const peerId = bridges.find((b) => b.id === view.bridgeId)?.channelIds.find((id) => id !== channelId);
      const peer = peerId === undefined ? undefined : await call<{ dialstring: string | null; endpoint: string | null }>('GET', `/channels/${encodeURIComponent(peerId)}`);
      status = `connected to ${peer?.dialstring ?? peer?.endpoint ?? 'another party'}`;
    }
    if (view.continuedTo !== null) {
      const skill = view.variables['HOTLINE_SKILL'];
      status = `left the IVR for the dialplan: ${view.continuedTo.context},${view.continuedTo.extension}${skill === undefined ? '' : ` (queue skill ${skill}, priority ${view.variables['HOTLINE_PRIORITY'] ?? '?'})`}`;
    }
    if (view.hungUp) status = 'call ended';
    if (status !== '' && status !== lastStatus) out(`  → ${status}`);
    lastStatus = status;
    if (view.hungUp || view.continuedTo !== null) ended = true;
  };

  const timer = setInterval(() => {
    poll().catch((err: unknown) => {
      out(`  ! ${err instanceof Error ? err.message : String(err)}`);
      ended = true;
    });
  }, options.pollMs ?? 150);
  const lines = createInterface({ input: options.input });
  try {
    for await (const line of lines) {
      if (ended) break;
      const typed = line.trim();
      if (typed === 'h' || typed === 'q') break;
      if (!/^[0-9*#]+$/.test(typed)) {
        out('  digits 0-9, * and # only; "h" hangs up');
        continue;
      }
      await call('POST', `/channels/${encodeURIComponent(channelId)}/dtmf`, { digits: typed });
    }
    if (!ended) await call('POST', `/channels/${encodeURIComponent(channelId)}/hangup`, {});
    await poll();
  } finally {
    clearInterval(timer);
    lines.close();
  }
  return 0;
}

class SimulatorUnreachable extends SimulatedCallerError {
  constructor(url: string, cause: unknown) {
    super(`the simulator at ${url} is not reachable (${cause instanceof Error ? cause.message : String(cause)}); start it with \`npm start\` (ARI_URL unset)`);
  }
}
