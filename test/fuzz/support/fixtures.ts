// The project's good fixtures, read once: the valid inputs the fuzz targets start from and mutate.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Every file of `test/fixtures/<folder>` ending in `extension`, as bytes, in name order. */
export function fixtureFiles(folder: string, extension: string): Buffer[] {
  const dir = `${FIXTURES}${folder}/`;
  return readdirSync(dir)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => readFileSync(`${dir}${name}`));
}
