// Writes docs/events.schema.json from the zod schemas of the run event stream (beemind/src/events/events.ts).
// A test checks the committed file is current, so the documented schema cannot drift from the code.
import { writeFileSync } from 'node:fs';
import { eventJsonSchema } from '../beemind/dist/index.js';

writeFileSync(
  new URL('../docs/events.schema.json', import.meta.url),
  `${JSON.stringify(eventJsonSchema(), null, 2)}\n`,
);
console.log('wrote docs/events.schema.json');
