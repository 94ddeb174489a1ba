// workerd: a module worker whose fetch runs the bundled suite and answers with its JSON report.
import { run } from './suite.mjs';

export default {
  async fetch() {
    try {
      return Response.json(await run());
    } catch (e) {
      return new Response(String(e?.stack ?? e), { status: 500 });
    }
  },
};
