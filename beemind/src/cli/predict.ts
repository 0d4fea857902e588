/**
 * This module contains `beemind predict` and the prediction output it shares with `beemind evolve
 * --predict`: a model (registered, or a model file) predicts the rows of a CSV file, written as CSV with one
 * column named after the target (in input row order) and, with --proba, one `proba_<class>` column per class.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { selectFeatures, TrainedModel } from '../trained/trained_model.js';
import { BeeMindError, ConfigurationError } from '../core/errors.js';
import { printable, quote } from '../core/text.js';
import { writeOutputFile } from '../core/output_file.js';
import { readCSV } from '../data/csv.js';
import type { Frame } from '../data/frame.js';
import { readModelFile, type ModelFile } from '../store/model_file.js';
import { parseModelReference } from '../store/registry.js';
import { STORE_HELP, storeAt } from './store_commands.js';
import { reportNote } from './terminal.js';

/** The prediction column's name when the model does not record its target (saved without its run). */
export const PREDICTION_COLUMN = 'prediction';

/** The help of --proba, the same in `evolve` and `predict`. */
export const PROBA_HELP = 'also write one proba_<class> column per class (classification models)';

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Reads the CSV file to predict and keeps the model's feature columns (others, such as the target, are
 * ignored); a missing feature column is a DataError naming it and the file, raised before any other work.
 */
export async function readPredictData(file: string, featureNames: readonly string[]): Promise<Frame> {
  return selectFeatures(await readCSV(file), featureNames, file);
}

/** --proba is for classification; `what` names the model in the error. */
export function checkProba(proba: boolean | undefined, task: string, what: string): void {
  if (proba && task !== 'classification')
    throw new ConfigurationError(
      'cli.proba_regression',
      `--proba needs a classification model, but ${what} does ${task}; drop --proba.`,
    );
}

/**
 * Predicts `frame` and writes the CSV to `out` (default: stdout): the `target` column with one label or value
 * per row, in row order, then with `proba` one `proba_<class>` column per class. Returns the line to print
 * after writing a file, or null when the CSV went to stdout.
 */
export function writePredictions(
  model: TrainedModel,
  frame: Frame,
  target: string,
  options: { out?: string; proba?: boolean },
): string | null {
  checkProba(options.proba, model.task, 'the model');
  const labels = model.predict(frame);
  const proba = options.proba ? model.predictProba(frame) : null;
  const header = [target, ...(proba ? model.classes!.map((c) => `proba_${c}`) : [])];
  const lines = [header.map(csvField).join(',')];
  for (let i = 0; i < labels.length; i++) {
    const row = [labels[i], ...(proba ? proba.data.subarray(i * proba.cols, (i + 1) * proba.cols) : [])];
    lines.push(row.map(csvField).join(','));
  }
  const text = `${lines.join('\n')}\n`;
  if (!options.out) {
    // a terminal shows labels from the file with their control characters escaped; a pipe gets them exactly
    process.stdout.write(process.stdout.isTTY ? printable(text) : text);
    return null;
  }
  writeOutputFile(options.out, text, '--out');
  return `wrote ${labels.length} predictions to ${options.out}`;
}

/** Whether a MODEL argument is a model file: an existing file, a path, or a name ending in .json. */
function isModelFile(model: string): boolean {
  return (
    /\.json$/i.test(model) ||
    /[/\\]/.test(model) ||
    (statSync(model, { throwIfNoEntry: false })?.isFile() ?? false)
  );
}

/** The model file a MODEL argument names: the file itself, or the version exported from the registry. */
export function loadModelFile(model: string, store: string | undefined): ModelFile {
  if (isModelFile(model)) return readModelFile(model);
  const { name, selector } = parseModelReference(model);
  try {
    const models = storeAt(store).models;
    const file = models.exportModel(name, selector);
    // a bare name is the latest version; `beemind serve` answers a bare name with production: say so when they differ
    if (selector === 'latest') {
      const [latest, ...older] = models.list(name);
      const production = older.find((v) => v.stage === 'production');
      if (production && latest.stage !== 'production')
        reportNote(
          `${quote(name)} is version ${latest.version} (${latest.stage}), the latest; version ${production.version} is in production, which \`beemind serve\` answers with (${name}@production predicts with it).`,
        );
    }
    return file;
  } catch (error) {
    if (error instanceof BeeMindError && error.code === 'store.missing')
      throw new ConfigurationError(
        'cli.no_model',
        `${quote(model)} is not a model file, and ${error.message}`,
        { cause: error },
      );
    throw error;
  }
}

export function addPredictCommand(program: Command): void {
  program
    .command('predict')
    .description(
      'predict the rows of a CSV file with a registered model or a model file; the predictions CSV has ' +
        `a column named after the model's target (or "${PREDICTION_COLUMN}"), one row per input row, in order`,
    )
    .argument(
      '<model>',
      'a registered model: NAME (latest version), NAME:VERSION, NAME:STAGE or NAME@STAGE; ' +
        'or a model file from `beemind models export` (a path, or a name ending in .json)',
    )
    .argument('<csv>', "CSV file with a header row and the model's feature columns (others are ignored)")
    .option('-o, --out <file>', 'write the predictions CSV to this file (default: stdout)')
    .option('--proba', PROBA_HELP)
    .option('--store <file>', STORE_HELP)
    .action(async (ref: string, csv: string, o) => {
      const file = loadModelFile(ref, o.store);
      const model = TrainedModel.fromJSON(file.model);
      checkProba(o.proba, model.task, `model ${quote(ref)}`);
      const frame = await readPredictData(csv, model.featureNames);
      const target = file.source.dataset?.target ?? PREDICTION_COLUMN;
      const wrote = writePredictions(model, frame, target, o);
      if (wrote) process.stderr.write(`${wrote}\n`);
    });
}
