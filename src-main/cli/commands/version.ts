// `espalier version`: the package version and runtime, for bug reports.
import { readFileSync } from 'node:fs';
import { defineCommand } from '../command';

export default defineCommand({
  path: ['version'],
  summary: 'print the Espalier version and the Node.js runtime',
  options: [],
  async run() {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    return {
      name: 'espalier',
      version: pkg.version,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    };
  },
});
