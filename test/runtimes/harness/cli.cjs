// Node with the CJS build: run the bundled suite (its bulwark/* requires resolve to dist/*.cjs) and print one
// marked JSON line for run.mjs to read.
require('./suite.cjs')
  .run()
  .then((result) => console.log(`BULWARK_CONFORMANCE ${JSON.stringify(result)}`));
