/**
 * This module contains the `beemind-kernel` command line: `install [--user | --sys-prefix | --prefix DIR]
 * [--name NAME] [--display-name NAME]` writes the kernelspec, `run <connection file>` starts the kernel.
 */
import { KernelConfigurationError } from './errors.js';
import { installKernelSpec, type InstallScope } from './install.js';

const USAGE = `Usage:
  beemind-kernel install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name NAME]
      Writes the "BeeMind (TypeScript)" kernelspec (default: --user).
  beemind-kernel run <connection file>
      Starts the kernel (Jupyter does this through the kernelspec).`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'install') {
    const options = parseInstallArgs(rest);
    const dir = installKernelSpec(options);
    process.stdout.write(`Installed the BeeMind (TypeScript) kernelspec in ${dir}\n`);
    return 0;
  }
  if (command === 'run' && rest[0]) {
    const { startKernel } = await import('./kernel.js');
    await startKernel(rest[0]);
    return -1; // the kernel keeps the process alive
  }
  process.stdout.write(`${USAGE}\n`);
  return command === undefined || command === '--help' || command === '-h' ? 0 : 2;
}

export function parseInstallArgs(args: string[]): {
  scope: InstallScope;
  name?: string;
  displayName?: string;
} {
  let scope: InstallScope = { kind: 'user' };
  let name: string | undefined;
  let displayName: string | undefined;
  let scopes = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) {
        throw new KernelConfigurationError(
          'install.missing_value',
          `${arg} needs a value, e.g. ${arg} ${arg === '--prefix' ? '/opt/jupyter' : 'beemind'}.`,
        );
      }
      return v;
    };
    switch (arg) {
      case '--user':
        scope = { kind: 'user' };
        scopes++;
        break;
      case '--sys-prefix':
        scope = { kind: 'sys-prefix' };
        scopes++;
        break;
      case '--prefix':
        scope = { kind: 'prefix', prefix: value() };
        scopes++;
        break;
      case '--name':
        name = value();
        break;
      case '--display-name':
        displayName = value();
        break;
      default:
        if (!arg.startsWith('--prefix=')) {
          throw new KernelConfigurationError('install.unknown_option', `Unknown option ${arg}.\n${USAGE}`);
        }
        scope = { kind: 'prefix', prefix: arg.slice('--prefix='.length) };
        scopes++;
    }
  }
  if (scopes > 1) {
    throw new KernelConfigurationError(
      'install.scopes',
      'Choose one of --user, --sys-prefix and --prefix DIR.',
    );
  }
  return { scope, name, displayName };
}
