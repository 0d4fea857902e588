/**
 * This module contains the registry of live workers on a queue: each worker refreshes its entry every few
 * seconds (stamped with the Redis server's clock, so machines with skewed clocks agree) and entries not
 * refreshed for a while are dropped. Runs read it to report their capacity and to warn when nobody listens.
 */
import type { Redis } from 'ioredis';
import { queueKeys, TIMING } from './protocol.js';

export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  /** Evaluations it runs at once. */
  concurrency: number;
  /** File names of the plugins it imported (custom model families). */
  plugins: string[];
}

// Server time in ms inside the scripts: one clock for every machine.
const NOW =
  "local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

const HEARTBEAT = `${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return now`;

const LIVE = `${NOW}
local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
for _, id in ipairs(gone) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
end
return redis.call('HVALS', KEYS[2])`;

function registryKeys(queue: string): [string, string] {
  const base = queueKeys(queue).workers;
  return [`${base}:seen`, base];
}

/** Records (or refreshes) a worker's entry. */
export async function heartbeat(client: Redis, queue: string, info: WorkerInfo): Promise<void> {
  await client.eval(HEARTBEAT, 2, ...registryKeys(queue), info.id, JSON.stringify(info));
}

/** Removes a worker's entry (on a clean shutdown). */
export async function leave(client: Redis, queue: string, id: string): Promise<void> {
  const [seen, infos] = registryKeys(queue);
  await client.multi().zrem(seen, id).hdel(infos, id).exec();
}

/** The workers that refreshed their entry recently; stale entries are dropped on the way. */
export async function liveWorkers(client: Redis, queue: string): Promise<WorkerInfo[]> {
  const values = (await client.eval(LIVE, 2, ...registryKeys(queue), TIMING.workerGoneMs)) as string[];
  const out: WorkerInfo[] = [];
  for (const v of values) {
    try {
      out.push(JSON.parse(v) as WorkerInfo);
    } catch {
      // an entry written by something else: not a worker we can count
    }
  }
  return out;
}
