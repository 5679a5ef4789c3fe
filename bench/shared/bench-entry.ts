// The common start of every benchmark: parse the options (usage errors print the usage and exit 2, `--help`
// prints it), then run with a progress printer that stays quiet under `--json`.

import { BenchUsageError } from './parse-args.js';

export async function benchEntry<Options extends { readonly json: boolean }>(
  args: readonly string[],
  parse: (args: readonly string[]) => Options | 'help',
  usage: string,
  run: (options: Options, progress: (text: string) => void) => Promise<void>,
): Promise<void> {
  let options: Options | 'help';
  try {
    options = parse(args);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`${err.message}\n${usage}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(usage);
    return;
  }
  const json = options.json;
  await run(options, (text) => {
    if (!json) process.stderr.write(`${text}\n`);
  });
}
