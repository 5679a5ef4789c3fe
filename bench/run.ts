// `npm run bench -- <name> [options]`: one entry point for the project's benchmarks.

import { runAcdBench } from './acd/run-acd.js';
import { runChannelsBench } from './channels/run-channels.js';
import { runIdentityBench } from './identity/run-identity.js';
import { runFuzzBench } from './fuzz/run-fuzz-bench.js';
import { runIntakeBench } from './intake/run-intake.js';
import { runIvrBench } from './ivr/run-ivr.js';

const BENCHES: Record<string, (args: readonly string[]) => Promise<void>> = {
  ivr: runIvrBench,
  intake: runIntakeBench,
  channels: runChannelsBench,
  identity: runIdentityBench,
  fuzz: runFuzzBench,
  acd: runAcdBench,
};

const [name, ...args] = process.argv.slice(2);
const bench = name === undefined ? undefined : BENCHES[name];
if (bench === undefined) {
  process.stderr.write(
    `${name === undefined ? 'no benchmark named' : `unknown benchmark "${name}"`}\n` +
      `usage: npm run bench -- <name> [options]\n  names: ${Object.keys(BENCHES).join(', ')}\n` +
      `  npm run bench -- ivr --help   lists the options of one benchmark\n`,
  );
  process.exitCode = 2;
} else {
  await bench(args);
}
