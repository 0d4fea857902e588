/**
 * The `beemind datasets` commands: the datasets shipped with BeeMind (`bundled`, the default), one written out
 * as a CSV file to try the other commands on (`beemind datasets export iris --out iris.csv`), and the dataset
 * versions an experiment store's runs were searched on (`list`, see store_commands.ts).
 */
import { readFile } from 'node:fs/promises';
import { writeOutputFile } from '../core/output_file.js';
import type { Command } from 'commander';
import { datasetInfo, datasetNames } from '../data/datasets.js';
import { addDatasetVersionsCommand } from './store_commands.js';

/** Adds `datasets bundled` (the default), `datasets export` and `datasets list` to the program. */
export function addDatasetCommands(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('the datasets shipped with BeeMind, and the dataset versions of the experiment store');
  addDatasetVersionsCommand(datasets);
  datasets
    .command('bundled', { isDefault: true })
    .description('name, task, target, size and licence of each dataset shipped with BeeMind')
    .action(() => {
      const rows = datasetNames().map((name) => datasetInfo(name));
      const header = ['name', 'task', 'target', 'rows', 'columns', 'licence', 'description'];
      const cells = rows.map((d) => [
        d.name,
        d.task,
        d.target,
        String(d.rows),
        String(d.columns),
        d.licence,
        d.description,
      ]);
      const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j].length)));
      const line = (r: string[]) =>
        r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]))).join('  ');
      process.stdout.write(`${[line(header), ...cells.map(line)].join('\n')}\n`);
    });
  datasets
    .command('export')
    .description('write a dataset as a CSV file (header row, target column included)')
    .argument('<name>', `one of: ${datasetNames().join(', ')}`)
    .option('-o, --out <file>', 'the CSV file to write (default: stdout)')
    .action(async (name: string, o: { out?: string }) => {
      const info = datasetInfo(name);
      if (o.out) {
        writeOutputFile(o.out, await readFile(info.file), '--out');
        process.stderr.write(`wrote ${info.name} (${info.rows} rows, target "${info.target}") to ${o.out}\n`);
      } else {
        process.stdout.write(await readFile(info.file, 'utf8'));
      }
    });
}
