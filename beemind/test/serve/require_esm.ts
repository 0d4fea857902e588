// Jest's module runtime cannot require() an ES module (Node 20.19+ can, so the server runs without this):
// @fastify/static (loaded by @fastify/swagger-ui for /docs) and light-my-request (fastify's inject) require
// the ESM-only packages below. Importing them here and registering them for require() hands those requires
// the real modules.
import { jest } from '@jest/globals';

const contentDisposition = await import('content-disposition');
const cookie = await import('cookie');
jest.mock('content-disposition', () => contentDisposition);
jest.mock('cookie', () => cookie);
