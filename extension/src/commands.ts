/**
 * This module contains the palette commands: their ids (one namespace) and their registration.
 */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { ICommandPalette } from '@jupyterlab/apputils';
import type { Widget } from '@lumino/widgets';
import type { ModelTracker, NotebookLike } from './tracker.js';

/** Every command id of the extension, in one namespace object. */
export const CommandIDs = {
  openLineage: 'beemind:open-lineage',
  openImportance: 'beemind:open-importance',
  openComparison: 'beemind:open-comparison',
  selectChampion: 'beemind:select-champion',
  reconnect: 'beemind:reconnect',
} as const;

const CATEGORY = 'BeeMind';

export function registerCommands(
  app: JupyterFrontEnd,
  palette: ICommandPalette | null,
  panels: { lineage: Widget; importance: Widget; comparison: Widget },
  tracker: ModelTracker<NotebookLike>,
): void {
  const open = (id: string, label: string, widget: Widget) => {
    app.commands.addCommand(id, {
      label,
      caption: `Show the ${label.replace(/^Show /, '')} in the right sidebar`,
      execute: () => app.shell.activateById(widget.id),
    });
  };
  open(CommandIDs.openLineage, 'Show Population Lineage', panels.lineage);
  open(CommandIDs.openImportance, 'Show Feature Importance', panels.importance);
  open(CommandIDs.openComparison, 'Show Model Comparison', panels.comparison);
  app.commands.addCommand(CommandIDs.selectChampion, {
    label: 'Select the Champion',
    caption: 'Clear the drone selection: the panels show the champion of the active run',
    isEnabled: () => tracker.current !== null,
    execute: () => tracker.current?.select(null),
  });
  app.commands.addCommand(CommandIDs.reconnect, {
    label: 'Reload Runs from the Kernel',
    caption: 'Ask the active notebook’s kernel again for every run (reopens the beemind comm)',
    isEnabled: () => tracker.currentBridge !== null,
    execute: () => tracker.currentBridge?.reconnect(),
  });
  if (palette) {
    for (const command of [
      CommandIDs.openLineage,
      CommandIDs.openImportance,
      CommandIDs.openComparison,
      CommandIDs.selectChampion,
      CommandIDs.reconnect,
    ]) {
      palette.addItem({ command, category: CATEGORY });
    }
  }
}
