/** This module contains BeeMind's version, read from its package.json (two folders up from src/core and dist/core). */
import { readFileSync } from 'node:fs';

export const BEEMIND_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
