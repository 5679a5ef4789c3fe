// `npm run bench -- <name> [options]`: one entry point for the project's benchmarks.

import { runIvrBench } from './ivr/run-ivr.js';

const BENCHES: Record<string, (args: readonly string[]) => Promise<void>> = {
  ivr: runIvrBench,
};

const [name, ...args] = process.argv.slice(2);
const bench = name === undefined ? undefined : BENCHES[name];
if (bench === undefined) {
  process.stderr.write(
    `${name === undefined ? 'no benchmark named' : `unknown benchmark "${name}"`}\n` +
      `usage: npm run bench -- <name> [options]\n  names: ${Object.keys(BENCHES).join(', ')} (planned: intake, channels)\n` +
      `  npm run bench -- ivr --help   lists the options of one benchmark\n`,
  );
  process.exitCode = 2;
} else {
  await bench(args);
}
