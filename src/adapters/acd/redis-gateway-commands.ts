// Gateway commands over Redis pub/sub, one channel per gateway under the hotline's hash tag. Fire and forget is
// right here: an agent's hang-up or transfer is acted on at once or refused (PUBLISH says nobody listened), never
// queued to surprise a caller minutes later.

import { subscriberOf } from '../redis/redis-connection.js';
import type { RedisClient } from '../redis/redis-connection.js';
import type { GatewayCommand, GatewayCommands } from '../../app/acd/gateway-commands.js';
import type { Log } from '../../app/app-ports.js';
import { hashTag } from '../intake/intake-keys.js';

export class RedisGatewayCommands implements GatewayCommands {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly log: Log,
  ) {}

  private channel(gateway: string): string {
    return `${hashTag(this.prefix)}:acd:cmd:${gateway}`;
  }

  async send(gateway: string, command: GatewayCommand): Promise<boolean> {
    return (await this.redis.publish(this.channel(gateway), JSON.stringify(command))) > 0;
  }

  async listen(gateway: string, handler: (command: GatewayCommand) => void): Promise<() => Promise<void>> {
    // A subscribed connection can do nothing else, so it is a connection of its own (offline queue on: it may
    // subscribe before it is connected, and re-subscribes itself after a reconnect).
    const subscriber = subscriberOf(this.redis);
    const channel = this.channel(gateway);
    subscriber.on('error', (err: Error) => this.log.warn({ err }, 'gateway command subscription error'));
    subscriber.on('message', (from: string, text: string) => {
      if (from !== channel) return;
      const command = parseCommand(text);
      if (command === null) this.log.warn({ text: text.slice(0, 200) }, 'ignored a malformed gateway command');
      else handler(command);
    });
    await subscriber.subscribe(channel);
    return async () => {
      await subscriber.quit().catch(() => subscriber.disconnect());
    };
  }
}

function parseCommand(text: string): GatewayCommand | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v['callId'] !== 'string' || typeof v['agentId'] !== 'string') return null;
  if (v['type'] === 'hangup') return { type: 'hangup', callId: v['callId'], agentId: v['agentId'] };
  if (v['type'] === 'transfer' && (v['skill'] === null || typeof v['skill'] === 'string')) {
    return { type: 'transfer', callId: v['callId'], agentId: v['agentId'], skill: v['skill'] };
  }
  return null;
}
