// What an agent asks of the call they are on reaches the gateway holding the caller's channel, wherever the agent's
// request arrived: only that gateway can hang up the agent's leg or put the caller back in the queue.

export type GatewayCommand =
  | { readonly type: 'hangup'; readonly callId: string; readonly agentId: string }
  /** Back to the queue at its head, for `skill` (null: the skill it was queued for). */
  | { readonly type: 'transfer'; readonly callId: string; readonly agentId: string; readonly skill: string | null };

export interface GatewayCommands {
  /** Delivers the command to `gateway`; false when no such gateway is listening (it is down). */
  send(gateway: string, command: GatewayCommand): Promise<boolean>;
  /** Receives the commands sent to `gateway`; resolves once listening, to the function that stops it. */
  listen(gateway: string, handler: (command: GatewayCommand) => void): Promise<() => Promise<void>>;
}
