#!/usr/bin/env node
// Entry point of `npm run test:e2e` (browser mode) and `npm run test:e2e:electron`: loads the TypeScript
// runner through tsx (already a dependency) so the suites are type-checked with the rest of the project.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./runner.ts');
// Exit at once: after a timeout, a hung step may still hold timers or sockets open.
process.exit(await main(process.argv.slice(2)));
