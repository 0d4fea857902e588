/**
 * This module contains the API-key check of the server: the secret comes in `Authorization: Bearer …` or
 * `X-API-Key`, is looked up by its SHA-256 in the store on every request (so a revoked key stops working at
 * once), and must be allowed the route: `read` routes need any live key scoped to the model, `admin` routes an
 * admin key. 401 for a missing, unknown or revoked key; 403 for a key out of its scope.
 */
import type { FastifyRequest } from 'fastify';
import { quote } from '../core/text.js';
import { keyAllowsModel, type ApiKey, type ApiKeys } from '../store/api_keys.js';
import { HttpProblem } from './problem.js';

/** What a route requires: nothing, any key allowed its model (`read`), or an admin key. */
export type RouteAccess = 'none' | 'read' | 'admin';

/** The secret of a request, or null when it carries none. */
export function requestSecret(request: FastifyRequest): string | null {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m) return m[1];
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header.trim() ? header.trim() : null;
}

/**
 * The key a request authenticates with, checked against the route's access and (when the route has a
 * `name` parameter) the key's model scope. Throws HttpProblem 401 or 403.
 */
export function authenticate(keys: ApiKeys, request: FastifyRequest, access: RouteAccess): ApiKey | null {
  if (access === 'none') return null;
  const secret = requestSecret(request);
  if (secret === null) {
    throw new HttpProblem(
      401,
      'unauthenticated',
      'this route needs an API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>` (create one with `beemind keys create`).',
    );
  }
  const key = keys.verify(secret);
  if (key === null) {
    throw new HttpProblem(
      401,
      'unauthenticated',
      'the API key is not valid: it is unknown or was revoked; `beemind keys list` shows the live keys.',
    );
  }
  if (access === 'admin' && !key.admin) {
    throw new HttpProblem(
      403,
      'forbidden',
      `the API key ${key.id} is read-only; this route needs an admin key (\`beemind keys create --admin\`).`,
    );
  }
  const model = (request.params as Record<string, unknown> | undefined)?.name;
  if (typeof model === 'string' && !keyAllowsModel(key, model)) {
    throw new HttpProblem(
      403,
      'forbidden',
      `the API key ${key.id} may not use the model ${quote(model)}; it is scoped to ${(key.models ?? []).map(quote).join(', ')}.`,
    );
  }
  return key;
}
