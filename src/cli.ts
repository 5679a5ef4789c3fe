#!/usr/bin/env node
// `hotline-gateway`: the one binary. `serve` runs the gateway; the other commands are tools for operators
// and newcomers. Exit codes: 0 ok, 1 a check failed or the gateway could not start, 2 bad usage.

// Each command loads what it runs when it runs: `--help` or `apikey list` need not load the whole gateway.
import { parseCommand, UsageError } from './adapters/cli/command-line.js';
import type { CommandSpec, ParsedCommand } from './adapters/cli/command-line.js';
import { ConfigError, DEFAULTS, parseConfig, redisLabel, simulatorPortsFromEnv } from './config/index.js';
import type { Gateway } from './main.js';

const USAGE = `usage: hotline-gateway <command> [options]

  serve                          run the gateway (configuration from environment variables, see README)
  flow check FILE...             validate IVR flow files; exit 1 on any error
  prompts render [FLOW] [--sounds DIR] [--force]
                                 synthesise missing prompt audio (espeak-ng + sox, 8 kHz mono WAV)
  call [--from NUMBER] [--sim URL] [--flow FILE]
                                 be a caller of the built-in simulator: type digits, hear the prompts as text
  intake tail [--json]           print submissions as they arrive in the intake queue (REDIS_*, INTAKE_PREFIX)
  retention report [--json]      what the retention sweep would delete now (records, profiles, files); deletes nothing
  apikey create --name NAME --scopes submit,read[,status:write,open311,supervise,history,agents] [--rate N] [--file PATH]
  apikey list [--file PATH]
  apikey revoke ID [--file PATH] manage integrator API keys (API_KEYS_FILE, default ${DEFAULTS.API_KEYS_FILE})
  flag add --kind KIND --value VALUE --reason TEXT --for DURATION [--by NAME]
  flag remove --kind KIND --value VALUE --reason TEXT [--by NAME]
  flag list [--json] | flag audit [--limit N] [--json]
                                 supervisors' flags on a phone number, openid, email or IP (REDIS_*, INTAKE_PREFIX)
  staff add ID --name NAME --role agent|supervisor [--endpoint PJSIP/1001] [--skills consultation:5,complaint:3]
  staff passwd ID | staff disable ID | staff enable ID | staff remove ID | staff list [--json]
                                 agents' and supervisors' accounts (REDIS_*, INTAKE_PREFIX); the password from
                                 STAFF_PASSWORD or standard input

  hotline-gateway COMMAND --help shows the options of one command.
  Exit codes: 0 ok, 1 a check failed or the gateway could not start, 2 bad usage.
`;

type Out = (line: string) => void;

interface Command extends CommandSpec {
  run(parsed: ParsedCommand, out: Out): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  serve: {
    usage: `usage: hotline-gateway serve

  Runs the gateway. Configuration comes from environment variables (README, Configuration); with ARI_URL unset
  the built-in Asterisk simulator listens on 127.0.0.1:SIMULATOR_ARI_PORT (ARI) and :SIMULATOR_AMI_PORT (AMI).
  Logs are JSON lines on standard output. SIGTERM or SIGINT: calls in progress finish, then it stops.
  Exit 1 when the configuration, the flow or API_KEYS_FILE is invalid, or a port is taken.
`,
    run: () => serve(),
  },
  'flow check': {
    usage: `usage: hotline-gateway flow check FILE...

  Validates IVR flow files the way the gateway does at start; prints every error as file:line:column path: message.
  Exit 1 when any file has an error.
`,
    positionals: { min: 1, max: Number.POSITIVE_INFINITY, name: 'flow files (e.g. hotline-gateway flow check ivr-flows/12345.yaml)' },
    run: async ({ positionals }, out) => (await import('./adapters/flow/flow-check-command.js')).runFlowCheck(positionals, out),
  },
  'prompts render': {
    usage: `usage: hotline-gateway prompts render [FLOW] [--sounds DIR] [--force]

  Synthesises the flow's missing prompt audio with espeak-ng and sox (8 kHz mono 16-bit WAV).
  FLOW      the flow file (default $IVR_FLOW, else ${DEFAULTS.IVR_FLOW})
  --sounds  the sounds folder (default ${DEFAULTS.SOUNDS_DIR})
  --force   render every prompt again, replacing recorded files too
`,
    values: ['sounds'],
    flags: ['force'],
    positionals: { min: 0, max: 1, name: 'FLOW' },
    run: async ({ values, flags, positionals }, out) => {
      const { runPromptsRender } = await import('./adapters/prompts/prompts-render-command.js');
      const soundsDir = values['sounds'];
      const flowFile = positionals[0] ?? flowFromEnv();
      return runPromptsRender({ flowFile, ...(soundsDir === undefined ? {} : { soundsDir }), force: flags.has('force') }, out);
    },
  },
  call: {
    usage: `usage: hotline-gateway call [--from NUMBER] [--sim URL] [--flow FILE]

  Be a caller of the built-in simulator of a running \`hotline-gateway serve\` (ARI_URL unset): type digits and
  Enter; each prompt's text is shown as it plays.
  --from  the caller's number (default 13800138000)
  --sim   the simulator's control URL (default http://127.0.0.1:$SIMULATOR_ARI_PORT/_sim, port ${DEFAULTS.SIMULATOR_ARI_PORT})
  --flow  the flow file, for the prompts' texts (default $IVR_FLOW, else ${DEFAULTS.IVR_FLOW})
`,
    values: ['from', 'sim', 'flow'],
    run: async ({ values }, out) => {
      const sim = values['sim'];
      const ports = sim === undefined ? fromEnv(simulatorPortsFromEnv) : null;
      if (sim === undefined && ports === null) return 1;
      const { runSimulatedCaller } = await import('./simulator/simulated-caller.js');
      return runSimulatedCaller({
        from: values['from'] ?? '13800138000',
        controlUrl: sim ?? `http://127.0.0.1:${ports?.ari}/_sim`,
        flowFile: values['flow'] ?? flowFromEnv(),
        input: process.stdin,
        out,
      });
    },
  },
  'intake tail': {
    usage: `usage: hotline-gateway intake tail [--json]

  Prints submissions as they arrive in the intake queue (REDIS_*, INTAKE_PREFIX) without consuming them, until
  Ctrl-C. The default line shows no personal data; --json prints each whole canonical submission.
`,
    flags: ['json'],
    run: async ({ flags }, out) => {
      const config = fromEnv(parseConfig);
      if (config === null) return 1;
      const { runIntakeTail } = await import('./adapters/intake/intake-tail-command.js');
      const until = new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      return runIntakeTail({
        redis: config.redis,
        prefix: config.intake.prefix,
        json: flags.has('json'),
        out,
        until,
        onReady: () => process.stderr.write(`watching the intake queue (prefix {${config.intake.prefix}}); Ctrl-C to stop\n`),
      });
    },
  },
  'retention report': {
    usage: `usage: hotline-gateway retention report [--json]

  A dry run of the retention sweep: counts what it would delete if it ran now, and deletes nothing. Records unchanged
  for INTAKE_RECORD_RETENTION (default 400 days), citizen profiles with no contact for as long whose cases are all
  closed or gone, and attachment and raw-mail files under DATA_DIR last stored before the same cutoff.
  Reads the REDIS_* settings, INTAKE_PREFIX, DATA_DIR and INTAKE_RECORD_RETENTION as \`serve\` does.
  --json  one JSON object instead of the table
  Exit 1 when Redis is not reachable or the configuration is invalid.
`,
    flags: ['json'],
    run: async ({ flags }, out) => {
      const config = fromEnv(parseConfig);
      if (config === null) return 1;
      const { runRetentionReport } = await import('./adapters/identity/retention-report-command.js');
      return runRetentionReport({
        redis: config.redis,
        redisLabel: redisLabel(config.redis),
        prefix: config.intake.prefix,
        dataDir: config.intake.dataDir,
        retentionMs: config.intake.recordRetentionMs,
        nowMs: Date.now(),
        json: flags.has('json'),
        out,
        err: (line) => void process.stderr.write(`${line}\n`),
      });
    },
  },
};

/** The commands that take a sub-command, so `flow --help` can point at `flow check`. */
const GROUPS: Readonly<Record<string, readonly string[]>> = { flow: ['check'], prompts: ['render'], intake: ['tail'], retention: ['report'] };

async function serve(): Promise<number> {
  const config = fromEnv(parseConfig);
  const ports = fromEnv(simulatorPortsFromEnv);
  if (config === null || ports === null) return 1;
  const [{ createLogger }, { PortUnavailableError }, { startGateway }] = await Promise.all([
    import('./adapters/log/index.js'),
    import('./adapters/net/ports-free.js'),
    import('./main.js'),
  ]);
  const log = createLogger({ level: config.log.level, base: { name: 'hotline-gateway' } });
  // Listened for before the start: calls are answered as soon as the ARI link is up, while the rest still starts, and
  // a stop asked for then must drain them too, not kill the process under them (Node's default for SIGTERM).
  const signal = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  let gateway: Gateway;
  try {
    // The out-of-the-box run: the simulator on Asterisk's usual loopback ports, so `hotline-gateway call` finds it.
    gateway = await startGateway(config, { log, simulator: { ariPort: ports.ari, amiPort: ports.ami } });
  } catch (err) {
    if (!(err instanceof PortUnavailableError)) throw err;
    log.error({ ports: err.ports.map(({ host, port, variable }) => ({ host, port, variable })) }, err.message);
    return 1;
  }
  log.info({ signal: await signal }, 'stopping: calls in progress finish first');
  await gateway.close();
  return 0;
}

/** A value read from the environment, or `null` once its configuration error has been printed. */
function fromEnv<T>(read: (env: NodeJS.ProcessEnv) => T): T | null {
  try {
    return read(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return null;
    }
    throw err;
  }
}

function flowFromEnv(): string {
  const flow = process.env['IVR_FLOW']?.trim();
  return flow === undefined || flow === '' ? DEFAULTS.IVR_FLOW : flow;
}

/** Supervisors' flags: parsed by the command itself (it has subcommands of its own, each with --help). */
async function flagCommand(args: readonly string[]): Promise<number> {
  const [{ runFlagCommand }, { createLimits, limitsOptionsFrom }, { silentLog }] = await Promise.all([
    import('./adapters/limits/flag-command.js'),
    import('./adapters/limits/create-limits.js'),
    import('./app/app-ports.js'),
  ]);
  return runFlagCommand(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    open: async () => {
      const config = parseConfig(process.env);
      // A supervisor waits for an answer: the command may take longer than a citizen's request.
      const limits = await createLimits({ ...limitsOptionsFrom(config, silentLog), commandTimeoutMs: 5000 });
      if (!limits.connected()) {
        await limits.close();
        throw new Error(`Redis at ${redisLabel(config.redis)} is not reachable: nothing was changed`);
      }
      return { desk: limits.desk, close: () => limits.close() };
    },
  });
}

/** Agents' and supervisors' accounts: parsed by the command itself, like `flag`. */
async function staffCommand(args: readonly string[]): Promise<number> {
  const [{ runStaffCommand }, { createStaff, staffOptionsFrom }, { silentLog }] = await Promise.all([
    import('./adapters/staff/staff-command.js'),
    import('./adapters/staff/create-staff.js'),
    import('./app/app-ports.js'),
  ]);
  return runStaffCommand(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    stdin: process.stdin,
    open: async () => {
      const config = parseConfig(process.env);
      // An operator waits for an answer: the command may take longer than a request of the desktop.
      const staff = await createStaff({ ...staffOptionsFrom(config, silentLog), commandTimeoutMs: 5000 });
      if (!staff.connected()) {
        await staff.close();
        throw new Error(`Redis at ${redisLabel(config.redis)} is not reachable: nothing was changed`);
      }
      return { auth: staff.auth, close: () => staff.close() };
    },
  });
}

function isHelp(arg: string | undefined): boolean {
  return arg === '--help' || arg === '-h' || arg === 'help';
}

export async function main(argv: readonly string[]): Promise<number> {
  const out: Out = (line) => void process.stdout.write(`${line}\n`);
  const [first, second] = argv;
  if (isHelp(first)) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (first === 'apikey') {
    const { runApiKeyCommand } = await import('./adapters/api-keys/index.js');
    return runApiKeyCommand(argv.slice(1), { stdout: process.stdout, stderr: process.stderr, env: process.env });
  }
  if (first === 'flag') return flagCommand(argv.slice(1));
  if (first === 'staff') return staffCommand(argv.slice(1));

  const group = first === undefined ? undefined : GROUPS[first];
  const name = group === undefined ? first : `${first} ${second ?? ''}`;
  // Two-word names are reached only as two arguments (`flow check`), never as one quoted argument.
  const command = name === undefined || (group === undefined && name.includes(' ')) ? undefined : COMMANDS[name];
  if (command === undefined) {
    if (group !== undefined && isHelp(second)) {
      process.stdout.write(COMMANDS[`${first} ${group[0]}`]?.usage ?? USAGE);
      return 0;
    }
    const problem =
      first === undefined ? 'missing command' : group !== undefined ? `unknown command "${name?.trim()}" (try: ${group.map((g) => `${first} ${g}`).join(', ')})` : `unknown command "${first}"`;
    process.stderr.write(`hotline-gateway: ${problem}\n\n${USAGE}`);
    return 2;
  }
  try {
    const parsed = parseCommand(argv.slice(group === undefined ? 1 : 2), command);
    if (parsed.help) {
      process.stdout.write(command.usage);
      return 0;
    }
    return await command.run(parsed, out);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`hotline-gateway ${name}: ${err.message}\n\n${command.usage}`);
    return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hotline-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
    // A start that failed half-way may have left connections open (Redis, the simulator): they must not keep
    // a process that could not start alive.
    process.exit(1);
  },
);
