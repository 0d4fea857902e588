/**
 * This module contains the `beemind runs …`, `beemind models …`, `beemind datasets …` and `beemind store …`
 * commands: listing (by user and project), showing, comparing and exporting the runs of an experiment store;
 * listing, showing, exporting, importing and staging the models of its registry; the dataset versions runs
 * were searched on; backing the store up, restoring it, and copying one store into another.
 */
import path from 'node:path';
import { Argument, type Command, InvalidArgumentError, Option } from 'commander';
import type { Run } from '../automl/run.js';
import { ConfigurationError } from '../core/errors.js';
import { plural, printable, printableJSON } from '../core/text.js';
import { checkOutputFile, writeOutputFile } from '../core/output_file.js';
import { exportModule, MODULE_FORMATS, type ModuleFormat } from '../export/module.js';
import { tableBundle } from '../display.js';
import { genomeLabel } from '../search/genome.js';
import { ExperimentStore } from '../store/experiment_store.js';
import { copyStore } from '../store/transfer.js';
import { resolveStoreLocation } from '../store/location.js';
import { checkName, parseModelReference, parseModelSelector, type ModelVersion } from '../store/registry.js';
import type { RunSummary } from '../store/queries.js';

export const STORE_HELP =
  'experiment store: a file, or a team store postgres://user:password@host/database (default: $BEEMIND_STORE, else .beemind/experiments.db here)';

/** The store a read command works on; it must exist already. */
export function storeAt(file: string | undefined): ExperimentStore {
  const location = resolveStoreLocation(file);
  return ExperimentStore.open(location.path ?? resolveStoreLocation(undefined, {}).path!, {
    mustExist: true,
  });
}

/**
 * The store for a listing, or null when there is none yet: a fresh project lists nothing (exit 0), saying where
 * runs will be recorded, rather than failing.
 */
function storeToList(file: string | undefined, json: boolean, what: string): ExperimentStore | null {
  try {
    return storeAt(file);
  } catch (error) {
    if ((error as { code?: string }).code !== 'store.missing') throw error;
    if (json) process.stdout.write('[]\n');
    else {
      const where = resolveStoreLocation(file).path ?? resolveStoreLocation(undefined, {}).path!;
      write(`no ${what} yet: there is no experiment store at ${where} (beemind evolve creates it)`);
    }
    return null;
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`"${value}" is not a positive whole number.`);
  return n;
}

/** Prints to the terminal; names, tags and descriptions come from files, so control characters show as escapes. */
const write = (text: string): void => {
  const shown = printable(text);
  process.stdout.write(shown.endsWith('\n') ? shown : `${shown}\n`);
};
const json = (value: unknown): void => void process.stdout.write(`${printableJSON(value)}\n`);
const table = (columns: string[], rows: unknown[][]) => write(tableBundle(columns, rows)['text/plain']);
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');
const fixed = (v: number | null) => (v === null ? '' : v.toFixed(4));

function runRows(runs: readonly RunSummary[]): unknown[][] {
  return runs.map((r) => [
    r.id,
    r.name,
    r.status,
    r.metric,
    fixed(r.bestScore),
    fixed(r.testScore),
    r.evaluated,
    r.user ?? '',
    r.project ?? '',
    when(r.startedAt),
  ]);
}

function addRunsCommand(program: Command): void {
  const runs = program.command('runs').description('runs recorded in the experiment store');

  runs
    .command('list')
    .description('list runs, newest first')
    .option('--store <file>', STORE_HELP)
    .option('--limit <n>', 'at most this many', positiveInt)
    .addOption(
      new Option('--status <status>', 'only runs with this status').choices([
        'running',
        'completed',
        'interrupted',
        'failed',
      ]),
    )
    .option('--user <name>', 'only runs this person started')
    .option('--project <name>', 'only runs of this project')
    .option('--json', 'print JSON')
    .action((o) => {
      const store = storeToList(o.store, o.json, 'runs recorded');
      if (!store) return;
      const list = store.listRuns({
        limit: o.limit,
        status: o.status,
        user: o.user,
        project: o.project,
      });
      if (o.json) return json(list);
      if (list.length === 0) return write(o.user || o.project ? 'no runs match' : 'no runs recorded yet');
      table(
        ['run', 'name', 'status', 'metric', 'best', 'test', 'drones', 'user', 'project', 'started'],
        runRows(list),
      );
    });

  runs
    .command('show')
    .description('one run: its settings, data and leaderboard')
    .argument('<run>', 'run id (a unique prefix is enough)')
    .option('--store <file>', STORE_HELP)
    .option('--top <n>', 'leaderboard rows', positiveInt, 10)
    .option('--json', 'print JSON')
    .action((id: string, o) => {
      const store = storeAt(o.store);
      const run = store.run(id);
      if (o.json) return json(run);
      const drones = new Map(store.drones(run.id).map((d) => [d.id, d]));
      const config = run.config as { strategy?: string; budget?: unknown; populationSize?: number };
      write(
        [
          `run ${run.id}  ${run.name}`,
          `status      ${run.status}${run.reason ? ` (${run.reason})` : ''}${run.sessions > 1 ? `, ${run.sessions} sessions` : ''}`,
          `data        ${run.dataset.name}: ${run.dataset.rows} rows, ${run.features.length} features, fingerprint ${run.dataset.fingerprint}`,
          `task        ${run.task} of "${run.target}"${run.classes ? ` (${run.classes.length} classes)` : ''}, metric ${run.metric}, seed ${run.seed}`,
          `search      ${config.strategy ?? ''}, population ${config.populationSize ?? ''}, budget ${JSON.stringify(config.budget ?? {})}`,
          `drones      ${run.evaluated}, best ${fixed(run.bestScore)}, champion ${run.championId ?? '—'}, test ${fixed(run.testScore)}`,
          `started     ${when(run.startedAt)}${run.finishedAt ? `, finished ${when(run.finishedAt)}` : ''}`,
          ...(run.user || run.project
            ? [
                `by          ${run.user ?? 'unknown'}, project ${run.project ?? 'default'}${run.host ? `, on ${run.host}` : ''}`,
              ]
            : []),
          ...(run.error ? [`error       ${run.error}`] : []),
          '',
        ].join('\n'),
      );
      table(
        ['rank', 'drone', 'family', run.metric, '± std', 'fit s', 'generation', 'pipeline'],
        run.leaderboard
          .slice(0, o.top)
          .map((r) => [
            r.rank,
            r.id,
            r.family,
            r.score,
            r.std,
            r.fitSeconds,
            r.generation,
            genomeLabel(drones.get(r.id)!.genome),
          ]),
      );
    });

  runs
    .command('compare')
    .description('the leaderboards of several runs side by side')
    .argument('<runs...>', 'run ids (unique prefixes are enough)')
    .option('--store <file>', STORE_HELP)
    .option('--top <n>', 'rows', positiveInt, 10)
    .option('--json', 'print JSON')
    .action((ids: string[], o) => {
      const comparison = storeAt(o.store).compare(ids, o.top);
      if (o.json) return json(comparison);
      table(
        ['', ...comparison.runs.map((r) => r.id)],
        [
          ['name', ...comparison.runs.map((r) => r.name)],
          ['metric', ...comparison.runs.map((r) => r.metric)],
          ['status', ...comparison.runs.map((r) => r.status)],
          ['drones', ...comparison.runs.map((r) => r.evaluated)],
          ['test', ...comparison.runs.map((r) => fixed(r.testScore))],
          ...comparison.rows.map((row) => [
            `#${row.rank}`,
            ...row.entries.map((e) => (e ? `${e.score.toFixed(4)} ${e.family} (${e.droneId})` : '')),
          ]),
        ],
      );
    });

  runs
    .command('export')
    .description("a run's drones as CSV or JSON")
    .argument('<run>', 'run id (a unique prefix is enough)')
    .option('--store <file>', STORE_HELP)
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((id: string, o) => {
      const text = storeAt(o.store).exportDrones(id, o.format);
      if (o.out) {
        writeOutputFile(o.out, text, '--out');
        process.stderr.write(`wrote ${o.out}\n`);
      } else process.stdout.write(text);
    });
}

function modelRows(versions: readonly ModelVersion[]): unknown[][] {
  return versions.map((v) => [
    v.name,
    v.version,
    v.stage,
    v.task,
    v.metric ?? '',
    fixed(v.score),
    v.runId ?? '',
    v.droneId ?? '',
    Object.entries(v.tags)
      .map(([k, t]) => (t ? `${k}=${t}` : k))
      .join(' '),
    when(v.createdAt),
  ]);
}

/** `key=value` (or a bare `key`) into a tags object. */
function tag(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = value.indexOf('=');
  return { ...previous, ...(at < 0 ? { [value]: '' } : { [value.slice(0, at)]: value.slice(at + 1) }) };
}

function addModelsCommand(program: Command): void {
  const models = program.command('models').description('the model registry of the experiment store');
  const stageChoices = ['none', 'staging', 'production', 'archived'];

  models
    .command('list')
    .description('every version of every model (or of one)')
    .argument('[name]', 'only this model')
    .option('--store <file>', STORE_HELP)
    .option('--json', 'print JSON')
    .action((name: string | undefined, o) => {
      const store = storeToList(o.store, o.json, 'models registered');
      if (!store) return;
      const versions = store.models.list(name);
      if (o.json) return json(versions);
      if (versions.length === 0) return write('no models registered yet');
      table(
        ['name', 'version', 'stage', 'task', 'metric', 'score', 'run', 'drone', 'tags', 'created'],
        modelRows(versions),
      );
    });

  models
    .command('show')
    .description('one model version: metadata and pipelines')
    .argument('<name>', 'model name')
    .argument('[version]', 'version number, latest, or a stage', 'latest')
    .option('--store <file>', STORE_HELP)
    .option('--json', 'print JSON')
    .action((name: string, version: string, o) => {
      const registry = storeAt(o.store).models;
      const selector = parseModelSelector(version);
      const info = registry.get(name, selector);
      const model = registry.load(name, info.version);
      if (o.json)
        return json({
          ...info,
          featureNames: model.featureNames,
          classes: model.classes,
          members: model.members.map((m) => ({
            droneId: m.droneId,
            weight: m.weight,
            pipeline: m.pipeline.spec(),
          })),
        });
      write(
        [
          `model ${info.name} version ${info.version} (${info.stage})`,
          `task        ${info.task}${model.classes ? ` (classes: ${model.classes.join(', ')})` : ''}`,
          `from        ${info.runId ? `run ${info.runId}, drone ${info.droneId}` : 'a model saved without its run'}`,
          ...(info.datasetFingerprint
            ? [`dataset     fingerprint ${info.datasetFingerprint} (beemind datasets list)`]
            : []),
          ...(info.user || info.project
            ? [`by          ${info.user ?? 'unknown'}, project ${info.project ?? 'default'}`]
            : []),
          `score       ${info.metric ?? ''} ${fixed(info.score)}${info.testScore !== null ? `, test ${fixed(info.testScore)}` : ''}`,
          `features    ${model.featureNames.join(', ')}`,
          `tags        ${Object.entries(info.tags)
            .map(([k, t]) => (t ? `${k}=${t}` : k))
            .join(' ')}`,
          ...(info.description ? [`description ${info.description}`] : []),
          `created     ${when(info.createdAt)}`,
          '',
        ].join('\n'),
      );
      table(
        ['member', 'weight', 'pipeline'],
        model.members.map((m) => [
          m.droneId,
          m.weight,
          [...m.pipeline.steps.map((s) => s.kind), m.pipeline.model.family].join(' → '),
        ]),
      );
    });

  models
    .command('export')
    .description(
      'one model version as a self-contained JSON model file (--format json), or as a dependency-free ' +
        'JavaScript (esm) or TypeScript (ts) module exporting predict and predictProba',
    )
    .argument('<name>', 'model name, or NAME:VERSION, NAME:STAGE or NAME@STAGE')
    .argument('[version]', 'version number, latest, or a stage (default: latest)')
    .option('--store <file>', STORE_HELP)
    .addOption(
      new Option('--format <format>', 'json: a model file for `beemind models import`; esm or ts: a module')
        .choices(['json', ...MODULE_FORMATS])
        .default('json'),
    )
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .action((name: string, version: string | undefined, o) => {
      const registry = storeAt(o.store).models;
      // `models export churn:3` is `models export churn 3`
      const reference =
        version === undefined ? parseModelReference(name) : { name, selector: parseModelSelector(version) };
      if (o.format !== 'json') {
        const format = o.format as ModuleFormat;
        if (o.out) checkOutputFile(o.out, '--out');
        const info = registry.get(reference.name, reference.selector);
        const text = exportModule(registry.load(reference.name, info.version), { format });
        if (!o.out) return void process.stdout.write(text);
        writeOutputFile(o.out, text, '--out');
        process.stderr.write(
          `wrote ${info.name} version ${info.version} as a ${format === 'ts' ? 'TypeScript' : 'JavaScript'} module to ${o.out}\n`,
        );
      } else if (o.out) {
        const info = registry.exportToFile(reference.name, reference.selector, o.out, '--out');
        process.stderr.write(`wrote ${info.name} version ${info.version} to ${o.out}\n`);
      } else write(JSON.stringify(registry.exportModel(reference.name, reference.selector)));
    });

  models
    .command('import')
    .description('register a model file as the next version of its name')
    .argument('<file>', 'a file written by `beemind models export`')
    .option('--store <file>', STORE_HELP)
    .option('--name <name>', 'register under this name instead')
    .addOption(new Option('--stage <stage>', 'stage of the new version').choices(stageChoices))
    .option('--tag <key=value>', 'add a tag (repeatable)', tag)
    .action((file: string, o) => {
      const store = ExperimentStore.open(resolveStoreLocation(o.store).path ?? undefined);
      const info = store.models.importModel(file, { name: o.name, stage: o.stage, tags: o.tag });
      write(`registered ${info.name} version ${info.version} (${info.stage})`);
    });

  models
    .command('stage')
    .description('move a model version to a stage')
    .argument('<name>', 'model name')
    .argument('<version>', 'version number, latest, or a stage')
    .addArgument(new Argument('<stage>', 'none, staging, production or archived').choices(stageChoices))
    .option('--store <file>', STORE_HELP)
    .option('--archive-others', 'move the versions in that stage so far to archived')
    .action((name: string, version: string, stage: ModelVersion['stage'], o) => {
      const info = storeAt(o.store).models.setStage(name, parseModelSelector(version), stage, {
        archiveOthers: o.archiveOthers,
      });
      write(`${info.name} version ${info.version} is now ${info.stage}`);
    });
}

/**
 * The store-related options of `beemind evolve`: where to record, what to resume or warm start from, the
 * target (a resumed run's own when not given), and saving the champion in the registry afterwards.
 */
export function evolveStoreOptions(o: {
  target?: string;
  store?: string | false;
  resume?: string;
  warmStart?: string;
  project?: string;
}) {
  let target = o.target;
  if (!target && o.resume) target = storeAt(o.store === false ? undefined : o.store).run(o.resume).target;
  const location = resolveStoreLocation(o.store);
  if (!target)
    throw new ConfigurationError(
      'cli.no_target',
      'beemind evolve needs --target <column> (the column to predict), or --resume <run> to continue a stored run.',
    );
  return {
    target,
    options: {
      ...(o.store !== undefined ? { store: o.store } : {}),
      ...(o.resume ? { resume: o.resume } : {}),
      ...(o.warmStart ? { warmStart: o.warmStart } : {}),
      ...(o.project ? { project: o.project } : {}),
    },
    /** Refuses, before the run, a model name or a store setting that --save-model could not use. */
    checkSaveModel(name: string): void {
      checkName(name);
      if (o.store === false)
        throw new ConfigurationError(
          'cli.no_store',
          '--save-model needs the experiment store; drop --no-store.',
        );
    },
    /** Registers the run's champion under `name`; returns the line to print. */
    async saveModel(run: Run, name: string): Promise<string> {
      this.checkSaveModel(name);
      const store = ExperimentStore.open(location.path ?? undefined);
      const info = await store.models.save(name, run);
      return `saved the champion as model ${info.name} version ${info.version} in ${store.path}`;
    },
    /** Where a finished run's results are, for a message about an output that failed after it. */
    whereIs(run: Run): string {
      if (location.path === null)
        return `the run was not recorded (${o.store === false ? '--no-store' : 'BEEMIND_STORE=off'}); its summary is printed above.`;
      try {
        storeAt(location.path).run(run.id);
      } catch {
        return `the run ${run.id} was not recorded in the experiment store (see the warning above); its summary is printed above.`;
      }
      return (
        `the run ${run.id} is recorded in the experiment store ${location.path}: ` +
        `\`beemind runs show ${run.id}\` shows it, \`beemind runs export ${run.id} --format json\` writes its drones.`
      );
    },
  };
}

/** Adds `list` (the dataset versions of the store) under the `datasets` command. */
export function addDatasetVersionsCommand(datasets: Command): void {
  datasets
    .command('list')
    .description(
      'list dataset versions (by fingerprint), most recently used first, with their runs and models',
    )
    .option('--store <file>', STORE_HELP)
    .option('--json', 'print JSON')
    .action((o) => {
      const versions = storeAt(o.store).datasets();
      if (o.json) return json(versions);
      if (versions.length === 0) return write('no runs recorded yet');
      table(
        ['fingerprint', 'name', 'rows', 'columns', 'target', 'runs', 'models', 'last used'],
        versions.map((v) => [
          v.fingerprint.slice(0, 12),
          v.name,
          v.rows,
          v.features.length,
          v.target,
          v.runs.length,
          v.models.map((m) => `${m.name}:${m.version}`).join(', '),
          when(v.lastSeen),
        ]),
      );
    });
}

function addBackupCommands(program: Command): void {
  const store = program
    .command('store')
    .description('the experiment store: back it up, restore it, copy it into another (a team store)');

  store
    .command('backup')
    .description(
      'copy the whole store into one self-contained file, consistent even while runs are recording ' +
        '(a SQLite store: SQLite online backup; a PostgreSQL store: a portable export of its tables)',
    )
    .argument('<file>', 'the backup file to write')
    .option('--store <file>', STORE_HELP)
    .option('--force', 'replace FILE if it exists')
    .action(async (file: string, o) => {
      const source = storeAt(o.store);
      const { runs, models, file: written } = await source.backup(file, { force: o.force });
      write(
        `backed up ${plural(runs, 'run')} and ${plural(models, 'model version')} of ${source.path} to ${written}`,
      );
    });

  store
    .command('restore')
    .description(
      'replace the store with a backup (checked first; a store holding runs or models is replaced only with --force)',
    )
    .argument('<file>', 'a file written by `beemind store backup` (of either kind of store)')
    .option('--store <file>', STORE_HELP)
    .option('--force', 'replace a store that holds runs or models, or is damaged')
    .action(async (file: string, o) => {
      const {
        runs,
        models,
        file: restored,
      } = await ExperimentStore.restore(file, o.store, { force: o.force });
      write(
        `restored ${plural(runs, 'run')} and ${plural(models, 'model version')} from ${path.resolve(file)} into ${restored}`,
      );
    });

  store
    .command('copy')
    .description(
      'copy every run and model version of one store into another (e.g. a local file into the team store); ' +
        'what the target holds already is skipped, so copying again adds nothing twice',
    )
    .argument('<from>', 'the store to copy: a file or a postgres:// URL')
    .argument('<to>', 'the store to copy into (created when needed)')
    .action((from: string, to: string) => {
      const source = resolveStoreLocation(from).path!;
      const r = copyStore(source, resolveStoreLocation(to).path!);
      const skipped =
        r.skippedRuns + r.skippedModels > 0
          ? ` (skipped ${plural(r.skippedRuns, 'run')} and ${plural(r.skippedModels, 'model version')} it holds already)`
          : '';
      write(
        `copied ${plural(r.runs, 'run')} and ${plural(r.models, 'model version')} from ${r.from} into ${r.to}${skipped}`,
      );
    });
}

/** Adds `runs`, `models` and `store` to the program (their subcommands inherit its error handling). */
export function addStoreCommands(program: Command): void {
  addRunsCommand(program);
  addModelsCommand(program);
  addBackupCommands(program);
}
