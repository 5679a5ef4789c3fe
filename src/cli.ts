#!/usr/bin/env node
// `hotline-gateway`: the one binary. `serve` runs the gateway; the other commands are tools for operators
// and newcomers. Exit codes: 0 ok, 1 a check failed or the gateway could not start, 2 bad usage.

import { runApiKeyCommand } from './adapters/api-keys/index.js';
import { runFlowCheck } from './adapters/flow/flow-check-command.js';
import { runIntakeTail } from './adapters/intake/intake-tail-command.js';
import { createLimits } from './adapters/limits/create-limits.js';
import { runFlagCommand } from './adapters/limits/flag-command.js';
import { silentLog } from './app/app-ports.js';
import { runPromptsRender } from './adapters/prompts/prompts-render-command.js';
import { runSimulatedCaller } from './simulator/simulated-caller.js';
import { ConfigError, maskUrlCredentials, parseConfig } from './config/index.js';
import type { Config } from './config/index.js';
import { startGateway } from './main.js';

const USAGE = `usage: hotline-gateway <command>

  serve                          run the gateway (configuration from environment variables, see README)
  flow check FILE...             validate IVR flow files; exit 1 on any error
  prompts render [FLOW] [--sounds DIR] [--force]
                                 synthesise missing prompt audio (espeak-ng + sox, 8 kHz mono WAV)
  call [--from NUMBER] [--sim URL] [--flow FILE]
                                 be a caller of the built-in simulator: type digits, hear the prompts as text
  intake tail [--json]           print submissions as they arrive in the intake queue (REDIS_URL, INTAKE_PREFIX)
  apikey create --name NAME --scopes submit,read[,status:write,open311,supervise] [--rate N] [--file PATH]
  apikey list [--file PATH]
  apikey revoke ID [--file PATH] manage integrator API keys (API_KEYS_FILE); a new key is printed once
  flag add --kind KIND --value VALUE --reason TEXT --for DURATION [--by NAME]
  flag remove --kind KIND --value VALUE --reason TEXT [--by NAME]
  flag list [--json] | flag audit [--limit N] [--json]
                                 supervisors' flags on a phone number, openid, email or IP (REDIS_URL, INTAKE_PREFIX)
`;

async function serve(): Promise<number> {
  const config = configFromEnv();
  if (config === null) return 1;
  const ariPort = simulatorPort('SIMULATOR_ARI_PORT', 8088);
  const amiPort = simulatorPort('SIMULATOR_AMI_PORT', 5038);
  if (ariPort === null || amiPort === null) return 1;
  // The out-of-the-box run: the simulator on Asterisk's usual loopback ports, so `hotline-gateway call` finds it.
  const gateway = await startGateway(config, { simulator: { ariPort, amiPort } });
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stderr.write(`${signal}: draining calls, then stopping\n`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await gateway.close();
  return 0;
}

/** The configuration from the environment, or `null` once a configuration error has been printed. */
function configFromEnv(): Config | null {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}

function simulatorPort(variable: string, fallback: number): number | null {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  process.stderr.write(`${variable}=${JSON.stringify(raw)}: expected an integer port 1-65535\n`);
  return null;
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at === -1) return undefined;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
}

function flag(args: string[], name: string): boolean {
  const at = args.indexOf(name);
  if (at === -1) return false;
  args.splice(at, 1);
  return true;
}

export async function main(argv: readonly string[]): Promise<number> {
  const args = [...argv];
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  const [command, sub] = args;
  if (command === 'serve') return serve();
  if (command === 'flow' && sub === 'check') {
    const files = args.slice(2);
    if (files.length === 0) {
      process.stderr.write(USAGE);
      return 2;
    }
    return runFlowCheck(files, out);
  }
  if (command === 'prompts' && sub === 'render') {
    const rest = args.slice(2);
    const soundsDir = option(rest, '--sounds');
    const force = flag(rest, '--force');
    const flowFile = rest[0] ?? process.env['IVR_FLOW'] ?? 'ivr-flows/12345.yaml';
    return runPromptsRender({ flowFile, ...(soundsDir === undefined ? {} : { soundsDir }), force }, out);
  }
  if (command === 'call') {
    const rest = args.slice(1);
    const sim = option(rest, '--sim');
    const port = sim === undefined ? simulatorPort('SIMULATOR_ARI_PORT', 8088) : 0;
    if (port === null) return 2;
    return runSimulatedCaller({
      from: option(rest, '--from') ?? '13800138000',
      controlUrl: sim ?? `http://127.0.0.1:${port}/_sim`,
      flowFile: option(rest, '--flow') ?? process.env['IVR_FLOW'] ?? 'ivr-flows/12345.yaml',
      input: process.stdin,
      out,
    });
  }
  if (command === 'intake' && sub === 'tail') {
    const rest = args.slice(2);
    const json = flag(rest, '--json');
    if (rest.length > 0) {
      process.stderr.write(USAGE);
      return 2;
    }
    const config = configFromEnv();
    if (config === null) return 1;
    const until = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    return runIntakeTail({
      redisUrl: config.redis.url,
      prefix: config.intake.prefix,
      json,
      out,
      until,
      onReady: () => process.stderr.write(`watching the intake queue (prefix {${config.intake.prefix}}); Ctrl-C to stop\n`),
    });
  }
  if (command === 'flag') {
    return runFlagCommand(args.slice(1), {
      stdout: process.stdout,
      stderr: process.stderr,
      open: async () => {
        const config = parseConfig(process.env);
        const limits = await createLimits({
          redisUrl: config.redis.url,
          prefix: config.intake.prefix,
          log: silentLog,
          policy: { perHour: config.limits.submissionsPerHour, flaggedPerHour: config.limits.flaggedSubmissionsPerHour },
          auditRetentionMs: config.limits.flagAuditRetentionMs,
          // A supervisor waits for an answer: the command may take longer than a citizen's request.
          commandTimeoutMs: 5000,
        });
        if (!limits.connected()) {
          await limits.close();
          throw new Error(`Redis at ${maskUrlCredentials(config.redis.url)} is not reachable: nothing was changed`);
        }
        return { desk: limits.desk, close: () => limits.close() };
      },
    });
  }
  if (command === 'apikey') return runApiKeyCommand(args.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env });
  process.stderr.write(USAGE);
  return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hotline-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
