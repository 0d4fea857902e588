import { readFileSync } from 'node:fs';
import { eventJsonSchema, RunEventSchema } from '../src/protocol/events.js';
import { publishRunEvent, runSnapshots, subscribeRunEvents } from '../src/events/hub.js';

describe('the run event contract', () => {
  it('is documented by a JSON Schema in docs/ that matches the code (npm run schema rewrites it)', () => {
    const committed = JSON.parse(readFileSync('docs/events.schema.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(eventJsonSchema())));
  });

  it('rejects malformed events', () => {
    expect(RunEventSchema.safeParse({ type: 'drone.evaluated', runId: 'r', time: 't' }).success).toBe(false);
    expect(RunEventSchema.safeParse({ type: 'nope' }).success).toBe(false);
  });

  it('hub: listeners get events, a throwing listener does not break publishing, snapshots keep history', () => {
    const got: string[] = [];
    const off1 = subscribeRunEvents(() => {
      throw new Error('bad listener');
    });
    const off2 = subscribeRunEvents((e) => got.push(e.type));
    const event = {
      type: 'generation.completed' as const,
      runId: 'hub-test',
      time: new Date().toISOString(),
      generation: 0,
      bestId: null,
      bestScore: null,
      paretoIds: [],
      diversity: 0,
      evaluated: 0,
    };
    publishRunEvent(event);
    off1();
    off2();
    publishRunEvent({ ...event, generation: 1 });
    expect(got).toEqual(['generation.completed']);
    expect(runSnapshots().find((s) => s.runId === 'hub-test')!.events).toHaveLength(2);
  });
});
