/**
 * The `beemind` command line: evolve a model from a CSV file, with a live progress bar, and print the
 * leaderboard, the champion, its test score and its most important features when the run measured them within its
 * seconds (and, with --predict, the champion's predictions for another CSV file). Usage errors exit 2 after the usage, like data errors.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { evolve } from '../automl/evolve.js';
import { checkFamilyTasks } from '../automl/parts.js';
import type { Run } from '../automl/run.js';
import { BeeMindError, ConfigurationError, DataError, EvaluationError } from '../core/errors.js';
import { checkOutputFile, writeOutputFile } from '../core/output_file.js';
import { printable, quote } from '../core/text.js';
import { BEEMIND_VERSION } from '../core/version.js';
import { readCSV } from '../data/csv.js';
import { describeDropped } from '../data/screen.js';
import { toDataset } from '../data/dataset.js';
import { redactRedisUrl } from '../distributed/redis_url.js';
import { DISPLAY } from '../display.js';
import { defaultPipelineSpace } from '../search/default_space.js';
import { checkProba, PROBA_HELP, addPredictCommand, readPredictData, writePredictions } from './predict.js';
import { terminalProgress } from './progress.js';
import { addStoreCommands, evolveStoreOptions, STORE_HELP } from './store_commands.js';
import { onFirstSignal, reportError, reportNote, terminalSession } from './terminal.js';
import { addWorkerCommand } from './worker.js';
import { addDatasetCommands } from './datasets.js';
import { addServeCommands } from './serve_commands.js';

function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`"${value}" is not a number.`);
  return n;
}

function integer(value: string): number {
  const n = number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  return n;
}

/** A whole number from `min` to `max` (a population or thread count out of range would exhaust the machine). */
const integerIn = (min: number, max: number) => (value: string) => {
  const n = integer(value);
  if (n < min || n > max)
    throw new InvalidArgumentError(
      `${n} is out of range: give a whole number from ${min}${max === Infinity ? ' up' : ` to ${max}`}.`,
    );
  return n;
};

/** A number above 0 (a time budget or limit). */
function positiveSeconds(value: string): number {
  const n = number(value);
  if (n <= 0) throw new InvalidArgumentError(`${n} is out of range: give a number of seconds above 0.`);
  return n;
}

/** A fraction of the rows: above 0 (or from 0 when `zero`) and below 1. */
const fraction =
  ({ zero }: { zero: boolean }) =>
  (value: string) => {
    const n = number(value);
    if (n < 0 || (n === 0 && !zero) || n >= 1) {
      throw new InvalidArgumentError(
        `${n} is out of range: give a fraction ${zero ? 'from 0' : 'above 0'} and below 1.`,
      );
    }
    return n;
  };

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function buildProgram(): Command {
  const program = new Command('beemind')
    .description('BeeMind: evolutionary AutoML for tables')
    .version(BEEMIND_VERSION, '-V, --version', 'print the version of BeeMind')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('evolve')
    .description('search for the best pipeline for a CSV file')
    .argument('<csv>', 'CSV file with a header row')
    .option('-t, --target <column>', 'the column to predict (required unless --resume)')
    .addOption(
      new Option('--task <task>', 'override the inferred task').choices(['classification', 'regression']),
    )
    .option(
      '-m, --metric <name>',
      'metric to optimise (accuracy, balanced_accuracy, f1_macro, log_loss, roc_auc, r2, rmse, mae)',
    )
    .option('--drop-missing-target', 'drop the rows whose target is missing (by default they are refused)')
    .option('-s, --seconds <n>', 'time budget of the whole run', positiveSeconds)
    .option('-n, --evaluations <n>', 'maximum number of drones evaluated', integerIn(1, Infinity))
    .option('--evaluation-seconds <n>', 'time limit of one evaluation', positiveSeconds)
    .option('--patience <n>', 'stop after this many generations without improvement', integerIn(1, Infinity))
    .addOption(
      new Option('--strategy <name>', 'search strategy')
        .choices(['evolution', 'random', 'grid', 'tpe'])
        .default('evolution'),
    )
    .option('--population <n>', 'drones per generation (2 to 10000)', integerIn(2, 10_000))
    .option(
      '--families <list>',
      'only these model families (comma-separated); svm, the kernel machine, is searched only when named',
      list,
    )
    .option('--objectives <list>', 'objectives: score, fit_seconds, model_size, predict_seconds', list)
    .option('--folds <n>', 'cross-validation folds (2 to 20)', integerIn(2, 20))
    .option(
      '--repeats <n>',
      'repeat cross-validation on this many shuffles of the rows, 1 to 10 (with --folds, else 5 folds)',
      integerIn(1, 10),
    )
    .option(
      '--holdout <fraction>',
      'validate on one holdout fraction instead of folds',
      fraction({ zero: false }),
    )
    .option(
      '--halving',
      'successive halving: prune weak drones on small data fractions (default from 2,000 rows)',
    )
    .option('--no-halving', 'evaluate every drone on all rows, whatever the size of the data')
    .option(
      '--test-size <fraction>',
      'rows held out for the final test score (0 to use all rows)',
      fraction({ zero: true }),
    )
    .option(
      '-w, --workers <n>',
      'evaluation threads (0 = in the main thread; at most 256)',
      integerIn(0, 256),
    )
    .addOption(
      new Option(
        '--redis <url>',
        'evaluate on `beemind worker` processes through this Redis (redis:// or rediss://)',
      ).env('BEEMIND_REDIS_URL'),
    )
    .option('--queue <name>', 'the queue the workers listen to (with --redis)')
    .option('--seed <n>', 'random seed', integer, 0)
    .option('--no-ensemble', 'never build an ensemble')
    .option('--no-stacking', 'never build a stack (a level-2 model over the best drones)')
    .option('--json <file>', 'write the run (events, leaderboard) as JSON')
    .option('-q, --quiet', 'no progress bar')
    .option('--store <file>', STORE_HELP)
    .option(
      '--project <name>',
      'the project the run is filed under in the store (default: $BEEMIND_PROJECT, else default)',
    )
    .option('--no-store', 'do not record the run')
    .option(
      '--resume <run>',
      'continue a stored run (same data; its settings unless you pass others; --evaluations counts the whole run, --seconds this session)',
    )
    .option('--warm-start <run>', 'evaluate the best drones of a stored run first')
    .option('--save-model <name>', 'register the champion in the model registry under this name')
    .option(
      '--predict <csv>',
      'after the run, the champion predicts this CSV file (its feature columns; others are ignored)',
    )
    .option(
      '-o, --out <file>',
      'with --predict: write the predictions CSV to this file (default: stdout, and the summary goes to stderr)',
    )
    .option('--proba', `with --predict: ${PROBA_HELP}`)
    .action(async (csv: string, o, command: Command) => {
      if (!o.predict && (o.out || o.proba))
        command.error('error: --out and --proba need --predict <csv>', { code: 'beemind.usage' });
      const stored = evolveStoreOptions(o);
      // what can be checked before the search is, so that a long run is not lost at its end
      if (o.json) checkOutputFile(o.json, '--json');
      if (o.repeats !== undefined && o.holdout !== undefined) {
        throw new ConfigurationError(
          'cli.repeats_holdout',
          '--repeats repeats cross-validation, and --holdout validates on one holdout instead: give one of them.',
        );
      }
      if (o.out) checkOutputFile(o.out, '--out');
      if (o.redis && command.getOptionValueSource('redis') === 'env')
        reportNote(
          `evaluating on \`beemind worker\` processes through the Redis of BEEMIND_REDIS_URL (${redactRedisUrl(o.redis)}); unset it to evaluate on this machine.`,
        );
      if (o.saveModel) stored.checkSaveModel(o.saveModel);
      // a resumed run keeps its recorded settings: the command line's defaults do not override them
      const given = (key: string) => !o.resume || command.getOptionValueSource(key) === 'cli';
      const table = await readCSV(csv); // named after the file
      if (o.resume && !o.target && !table.columnNames.includes(stored.target))
        throw new DataError(
          'cli.resume_other_data',
          `run ${quote(o.resume)} learned to predict ${quote(stored.target)}, a column ${quote(csv)} does not have: resume a run with the data it was started on.`,
        );
      const data = toDataset(table, {
        target: stored.target,
        task: o.task,
        dropMissingTarget: o.dropMissingTarget,
      });
      if (o.families) {
        // names the families of the other task, then the known ones
        checkFamilyTasks(data.task, o.families);
        defaultPipelineSpace(data.task, { families: o.families });
      }
      // the file to predict is checked before the run, not after it
      checkProba(o.proba, data.task, `target ${quote(stored.target)}`);
      const toPredict = o.predict ? await readPredictData(o.predict, data.featureNames) : null;
      const budget = {
        ...(o.seconds !== undefined ? { seconds: o.seconds } : {}),
        ...(o.evaluations !== undefined ? { evaluations: o.evaluations } : {}),
        ...(o.evaluationSeconds !== undefined ? { evaluationSeconds: o.evaluationSeconds } : {}),
        ...(o.patience !== undefined ? { patience: o.patience } : {}),
      };
      const options = {
        ...(Object.keys(budget).length ? { budget } : {}),
        ...(o.metric ? { metric: o.metric } : {}),
        ...(given('strategy') ? { strategy: o.strategy } : {}),
        ...(o.population !== undefined ? { populationSize: o.population } : {}),
        ...(o.families ? { families: o.families } : {}),
        ...(o.objectives ? { objectives: o.objectives } : {}),
        ...(o.folds !== undefined || o.repeats !== undefined
          ? {
              validation: { folds: o.folds ?? 5, ...(o.repeats !== undefined ? { repeats: o.repeats } : {}) },
            }
          : {}),
        ...(o.holdout !== undefined ? { validation: { holdout: o.holdout } } : {}),
        ...(o.halving !== undefined ? { successiveHalving: o.halving } : {}),
        ...(o.testSize !== undefined ? { testSize: o.testSize } : {}),
        ...(o.workers !== undefined ? { workers: o.workers } : {}),
        ...(o.redis ? { backend: { redis: o.redis, ...(o.queue ? { queue: o.queue } : {}) } } : {}),
        ...(given('seed') ? { seed: o.seed } : {}),
        ...(given('ensemble') ? { ensemble: o.ensemble } : {}),
        ...(given('stacking') ? { stacking: o.stacking } : {}),
        ...stored.options,
      };
      const progress = o.quiet
        ? null
        : terminalProgress({
            seconds: budget.seconds,
            evaluations: budget.evaluations ?? (budget.seconds === undefined ? 60 : undefined),
          });
      // the first Ctrl-C / SIGTERM ends the run as interrupted (its drones kept); a second one exits at once
      const controller = new AbortController();
      const endInterrupt = onFirstSignal((signal) => {
        controller.abort();
        process.stderr.write(
          `\n${signal}: finishing the run with the drones evaluated so far (again to stop now)\n`,
        );
      });
      let run: Run;
      try {
        run = await evolve(data, options, { onEvent: progress?.listener, signal: controller.signal });
      } finally {
        progress?.stop();
        endInterrupt();
      }
      // predictions without --out go to stdout, so the summary moves to stderr
      const out = toPredict && !o.out ? process.stderr : process.stdout;
      out.write(`\n${run.toString()}\n\n`);
      out.write(`${run.leaderboard[DISPLAY]()['text/plain'].split('\n').slice(0, 11).join('\n')}\n`);
      if (run.droppedColumns.length > 0)
        out.write(`\ncolumns set aside before the search: ${describeDropped(run.droppedColumns)}\n`);
      if (run.hasChampion) {
        out.write(
          `\nchampion: ${run.champion.id}${run.champion.isEnsemble ? ` (${run.champion.members.length} members)` : ''}\n`,
        );
        const threshold = run.champion.decisionThreshold;
        if (threshold !== null) {
          const positive = printable(run.champion.classes![1], { inline: true });
          out.write(
            `decision threshold: predicts ${positive} from probability ${threshold} (tuned for ${run.metric} on out-of-fold predictions)\n`,
          );
        }
        // only what the run measured within --seconds: measuring it now could take longer than the run did
        const measured = run.events.some(
          (e) => e.type === 'importance.computed' && e.droneId === run.champion.id,
        );
        const report = measured ? await run.champion.importance().catch(() => null) : null;
        if (report) {
          out.write(`most important features (${run.metric} drop when shuffled):\n`);
          for (const f of report.sorted().slice(0, 5))
            out.write(
              `  ${printable(f.feature, { inline: true })}: ${f.importance.toFixed(4)} ± ${f.std.toFixed(4)}\n`,
            );
        } else if (!measured) {
          out.write(
            'most important features: not measured, it did not fit in --seconds (give it more time)\n',
          );
        }
      }
      // the run is over (and recorded): an output that fails is reported with where the run is, the others still written
      const failures: string[] = [];
      const output = async (write: () => Promise<string | null> | string | null) => {
        try {
          const wrote = await write();
          if (wrote) out.write(`\n${wrote}\n`);
        } catch (error) {
          if (!(error instanceof BeeMindError)) throw error;
          failures.push(`${error.message.replace(/\.$/, '')}; ${stored.whereIs(run)}`);
          reportError(failures.at(-1)!);
        }
      };
      if (o.json) {
        await output(() => {
          writeOutputFile(
            o.json,
            JSON.stringify({ run: run.finished, started: run.started, drones: run.drones }, null, 2),
            '--json',
          );
          return `wrote ${o.json}`;
        });
      }
      // without a champion, what was asked of it is refused with why, and what to change on this command line
      const noChampion = () =>
        new EvaluationError(
          'cli.no_champion',
          // (run.whyNoChampion's interrupted case, said for the command line)
          run.status === 'interrupted' && run.finished.leaderboard.length > 0 && !run.finished.error
            ? `the run was interrupted before its best drone was refit; finish it with beemind evolve ${csv} --resume ${run.id} (and --save-model or --predict)`
            : `the run has no champion: ${run.whyNoChampion}; give it more --seconds or --evaluations${run.drones.some((d) => d.status === 'timeout') ? ', or a longer --evaluation-seconds' : ''}`,
        );
      if (toPredict) {
        await output(() => {
          if (!run.hasChampion) throw noChampion();
          return writePredictions(run.champion, toPredict, stored.target, o);
        });
      }
      if (o.saveModel)
        await output(() => {
          if (!run.hasChampion) throw noChampion();
          return stored.saveModel(run, o.saveModel);
        });
      if (failures.length) throw new ConfigurationError('cli.output_failed', failures.at(-1)!);
    });
  addPredictCommand(program);
  addDatasetCommands(program);
  addWorkerCommand(program);
  addStoreCommands(program);
  addServeCommands(program);
  return program;
}

/**
 * Runs the command line on `argv` (without `node beemind`) and resolves to its exit status: 0, or 2 after
 * printing `beemind: <message>` for a usage, data, option or store error. Anything else is a bug and rejects.
 */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const endSession = terminalSession();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // commander has printed the message and the usage; only --help, `help` and --version succeed
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof BeeMindError) {
      reportError(error.message);
      return 2;
    }
    throw error;
  } finally {
    endSession();
  }
}
