/**
 * This module contains the kernel_info_reply content: every field of the 5.3 spec, built without loading the
 * compiler (the TypeScript version is read from its package.json).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PROTOCOL_VERSION, type JsonObject } from './messages.js';

const require = createRequire(import.meta.url);

function packageVersion(specifier: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(specifier), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let cached: JsonObject | undefined;

export function kernelInfo(): JsonObject {
  if (cached) return cached;
  const version = packageVersion('../../package.json');
  const typescript = packageVersion('typescript/package.json');
  cached = {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'beemind',
    implementation_version: version,
    language_info: {
      name: 'typescript',
      version: typescript,
      mimetype: 'text/typescript',
      file_extension: '.ts',
      pygments_lexer: 'typescript',
      codemirror_mode: 'typescript',
      nbconvert_exporter: 'script',
    },
    banner: `BeeMind ${version} — TypeScript ${typescript} on Node.js ${process.versions.node}, type-checked cells, rich display and live AutoML panels`,
    debugger: false,
    help_links: [
      { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
      { text: 'Node.js API', url: 'https://nodejs.org/docs/latest-v20.x/api/' },
    ],
  };
  return cached;
}
