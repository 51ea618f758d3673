// Worker threads start without the parent's TypeScript loader: register tsx here (as hwgen/cli/hwgen.mjs does),
// then load the worker's TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./golden-worker.ts');
