// Node, Bun and Deno: run the bundled suite and print one marked JSON line for run.mjs to read.
import { run } from './suite.mjs';

const result = await run();
console.log(`BULWARK_CONFORMANCE ${JSON.stringify(result)}`);
