/** One rejected environment variable; `problem` already names the variable and the accepted form. */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
}

/** Thrown by `parseConfig` with every bad variable at once, so an operator fixes them in one go. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
