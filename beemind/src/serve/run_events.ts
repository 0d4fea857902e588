/**
 * This module contains `GET /v1/runs/{id}/events`: a run's events from the experiment store as server-sent
 * events, so a dashboard can follow a search that a notebook or a worker is running. The stored events are
 * sent first, then new ones as the run records them (the store is polled), until the run has ended; a client
 * that reconnects with `Last-Event-ID` continues after that event.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BeeMindError } from '../core/errors.js';
import { quote } from '../core/text.js';
import type { ExperimentStore } from '../store/experiment_store.js';
import { HttpProblem } from './problem.js';

/** How often the store is read for new events. */
const POLL_MS = 250;
/** A comment line this often keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;
/** Events read per poll at most. */
const BATCH = 1000;

interface EventRow {
  id: number;
  type: string;
  payload: string;
}

/** The run an id (or unique prefix) names: 404 when there is none, 400 when the prefix is ambiguous. */
function findRun(store: ExperimentStore, id: string): { id: string; status: string } {
  try {
    const run = store.run(id);
    return { id: run.id, status: run.status };
  } catch (error) {
    // said without the store's own words: they name its file on the server
    if (error instanceof BeeMindError && error.code === 'store.no_run')
      throw new HttpProblem(
        404,
        'no-run',
        `there is no run ${quote(id)} in the served store; \`beemind runs list\` lists its runs.`,
      );
    if (error instanceof BeeMindError && error.code === 'store.ambiguous_run')
      throw new HttpProblem(400, 'ambiguous-run', error.message);
    throw error;
  }
}

/** Registers the route and closes open streams when the server shuts down (so shutdown does not wait for them). */
export function addRunEventsRoute(
  app: FastifyInstance,
  store: ExperimentStore,
  schema: Record<string, unknown>,
): void {
  const streams = new Set<() => void>();
  const after = store.db.prepare(
    'SELECT id, type, payload FROM events WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?',
  );
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get<{ Params: { id: string } }>(
    '/v1/runs/:id/events',
    { config: { access: 'read' }, schema },
    async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
      const key = request.apiKey;
      if (key && !key.admin && key.models !== null) {
        throw new HttpProblem(
          403,
          'forbidden',
          `the API key ${key.id} is scoped to models; following runs needs an unscoped or admin key.`,
        );
      }
      const run = findRun(store, request.params.id);
      const lastHeader = request.headers['last-event-id'];
      let last = typeof lastHeader === 'string' && /^\d{1,15}$/.test(lastHeader) ? Number(lastHeader) : 0;

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
        'x-request-id': request.id,
      });
      let timer: NodeJS.Timeout | null = null;
      let quietSince = Date.now();
      let ended = false;
      const end = (reason?: string) => {
        if (ended) return;
        ended = true;
        if (timer) clearTimeout(timer);
        streams.delete(end);
        if (reason) raw.write(`event: end\ndata: ${JSON.stringify({ runId: run.id, reason })}\n\n`);
        raw.end();
      };
      streams.add(end);
      request.raw.on('close', () => end());

      const poll = () => {
        timer = null;
        if (ended) return;
        let full = false;
        try {
          const rows = after.all(run.id, last, BATCH) as EventRow[];
          for (const row of rows) {
            // the payload is the stored JSON of the event (one line): sent as it is
            raw.write(`id: ${row.id}\nevent: ${row.type}\ndata: ${row.payload}\n\n`);
            last = row.id;
          }
          if (rows.some((r) => r.type === 'run.finished')) return end('finished');
          full = rows.length === BATCH;
          if (rows.length === 0) {
            const status = findRun(store, run.id).status;
            if (status !== 'running') return end(status);
            if (Date.now() - quietSince > KEEPALIVE_MS) {
              raw.write(': keep-alive\n\n');
              quietSince = Date.now();
            }
          } else quietSince = Date.now();
        } catch (error) {
          request.log.error({ err: error }, 'reading run events failed');
          return end('error');
        }
        // a full batch means more are waiting: read again at once
        timer = setTimeout(poll, full ? 0 : POLL_MS);
      };
      poll();
    },
  );
}
