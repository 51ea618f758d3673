#!/usr/bin/env node
// Entry point of the `hwgen` command: loads the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
// Ctrl-C and SIGTERM stop the tools hwgen started and remove its scratch folders (hwgen/util/interrupts.ts).
const { installInterruptHandlers } = await import('../util/interrupts.ts');
installInterruptHandlers();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
