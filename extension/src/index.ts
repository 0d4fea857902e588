/**
 * This module contains the JupyterLab plugin `beemind-jupyterlab:plugin`: it creates one model per notebook,
 * puts the lineage, importance and comparison panels in the right sidebar, restores them after a reload,
 * registers the palette commands and applies the settings. Everything else lives in the modules it wires.
 */
import {
  ILabShell,
  ILayoutRestorer,
  type JupyterFrontEnd,
  type JupyterFrontEndPlugin,
} from '@jupyterlab/application';
import { ICommandPalette, IThemeManager } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, type NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { CommandIDs, registerCommands } from './commands.js';
import { comparisonIcon, importanceIcon, lineageIcon } from './icons.js';
import { ComparisonPanel } from './panels/comparison.js';
import { ImportancePanel } from './panels/importance.js';
import { LineagePanel } from './panels/lineage.js';
import type { BeeMindPanel, PanelContext } from './panels/panel.js';
import { DEFAULT_SETTINGS, readSettings, type Settings } from './settings.js';
import { ModelTracker } from './tracker.js';

export const PLUGIN_ID = 'beemind-jupyterlab:plugin';
export { CommandIDs };

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Live BeeMind panels: population lineage, feature importance and model comparison.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ILabShell, ILayoutRestorer, ICommandPalette, ISettingRegistry, IThemeManager],
  activate,
};

function activate(
  app: JupyterFrontEnd,
  notebooks: INotebookTracker,
  labShell: ILabShell | null,
  restorer: ILayoutRestorer | null,
  palette: ICommandPalette | null,
  settingRegistry: ISettingRegistry | null,
  themes: IThemeManager | null,
): void {
  let settings: Settings = { ...DEFAULT_SETTINGS };
  const tracker = new ModelTracker<NotebookPanel>(notebooks, () => ({
    requestTimeoutMs: settings.requestTimeoutSeconds * 1000,
    throttleMs: settings.refreshIntervalMs,
  }));
  const context: PanelContext = {
    get current() {
      return tracker.current;
    },
    currentChanged: tracker.currentChanged,
    settings: () => settings,
  };

  const lineage = new LineagePanel(context);
  const importance = new ImportancePanel(context);
  const comparison = new ComparisonPanel(context);
  const panels: [BeeMindPanel, string, typeof lineageIcon][] = [
    [lineage, 'Population lineage', lineageIcon],
    [importance, 'Feature importance', importanceIcon],
    [comparison, 'Model comparison', comparisonIcon],
  ];
  panels.forEach(([panel, caption, icon], rank) => {
    panel.title.icon = icon;
    panel.title.caption = `BeeMind: ${caption}`;
    app.shell.add(panel, 'right', { rank: 900 + rank });
    restorer?.add(panel, panel.id);
  });
  // A cell that ran may have sent other rows with run.explain: the "why" views explain the sent rows again.
  NotebookActions.executed.connect((_, { notebook }) => {
    const widget = notebooks.find((panel) => panel.content === notebook);
    if (widget) tracker.modelFor(widget)?.cellExecuted();
  });
  const redrawAll = () => panels.forEach(([panel]) => panel.invalidate());
  themes?.themeChanged.connect(redrawAll);
  labShell?.layoutModified.connect(redrawAll);

  registerCommands(app, palette, { lineage, importance, comparison }, tracker);

  if (settingRegistry) {
    settingRegistry
      .load(PLUGIN_ID)
      .then((loaded) => {
        const apply = () => {
          settings = readSettings(loaded.composite as Record<string, unknown>);
          redrawAll();
        };
        apply();
        loaded.changed.connect(apply);
      })
      .catch((error: unknown) =>
        console.warn(`BeeMind: could not load settings, using the defaults (${String(error)})`),
      );
  }
}

export default plugin;
