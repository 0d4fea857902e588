/** The tests' PostgreSQL server (see scripts/postgres-server.mjs). */
import { startPostgres } from '../../../scripts/postgres-server.mjs';

export { startPostgres };

export interface TestPostgres {
  url: string;
  port: number;
  freshDatabase(): string;
  stop(): void;
  start(): void;
  destroy(): void;
}

/** Starts one server for the test file (before its tests) and removes it after them; call at the top of the file. */
export function usePostgres(): { readonly server: TestPostgres } {
  const holder = {} as { server: TestPostgres };
  beforeAll(async () => {
    holder.server = await startPostgres();
  }, 60_000);
  afterAll(() => holder.server?.destroy());
  return holder;
}
