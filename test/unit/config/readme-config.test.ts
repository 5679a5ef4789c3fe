// README documents every configuration variable exactly as parseConfig reads it (the table is generated from
// CONFIG_DOC: regenerate it with `npx tsx -e "import('./src/config/index.ts').then(m => console.log(m.configDocMarkdown()))"`).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configDocMarkdown } from '../../../src/config/index.js';

describe('README', () => {
  it('holds the configuration table generated from CONFIG_DOC', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(configDocMarkdown());
  });

  it('names the exact test command that .ci/run runs', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    // A line of its own (indented in the loop over Node versions) holding nothing but the command.
    const command = /^ *(npm ci && npm test)$/m.exec(ci)?.[1];
    expect(command).toBeDefined();
    expect(readFileSync('README.md', 'utf8')).toContain(`\`\`\`sh\n${command ?? ''}\n\`\`\``);
  });
});
