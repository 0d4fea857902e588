"""What the browser tests do in JupyterLab, as a person would: open a notebook, run every cell, use the
command palette, restart the kernel, and read the BeeMind panels (their data-* attributes and text)."""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import Locator, Page, expect

PANELS = {"lineage": "#beemind-lineage", "importance": "#beemind-importance", "comparison": "#beemind-comparison"}
OPEN_COMMANDS = {
    "lineage": "Show Population Lineage",
    "importance": "Show Feature Importance",
    "comparison": "Show Model Comparison",
}


def open_notebook(page: Page, url: str, path: str) -> None:
    page.goto(f"{url}/lab/tree/{path}")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", state="visible")
    wait_for_kernel_idle(page, timeout=120_000)
    # The kernel is ready; the panels open their comm on it.


def wait_for_kernel_idle(page: Page, timeout: float = 300_000) -> None:
    page.wait_for_selector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status="idle"]', timeout=timeout)
    # The status bar says "Idle" only once the kernel connection is up (the indicator can be idle before).
    page.wait_for_selector('.jp-StatusBar-TextItem:has-text("| Idle")', timeout=timeout)


def command(page: Page, label: str, attempts: int = 3) -> None:
    """Runs a command from the command palette (View > Activate Command Palette) by its label.

    The modal palette closes when the focus moves (a kernel starting can take it), so a click that finds the
    palette gone is retried from the start."""
    for attempt in range(attempts):
        try:
            page.locator('.lm-MenuBar-itemLabel:text-is("View")').click()
            page.locator('.lm-Menu-itemLabel:text-is("Activate Command Palette")').click()
            palette = page.locator(".jp-ModalCommandPalette")
            palette.locator(".lm-CommandPalette-input").fill(label)
            item = palette.get_by_role("menuitem", name=label, exact=True).or_(
                palette.get_by_role("menuitemcheckbox", name=label, exact=True)
            ).first
            item.click(timeout=10_000)
            return
        except PlaywrightError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")


PROMPTS = """(pattern) => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return false;
  const prompts = [...nb.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent.trim());
  return prompts.length > 0 && prompts.every((t) => new RegExp(pattern).test(t));
}"""


def run_all_cells(page: Page, timeout: float = 300_000) -> None:
    # Start from empty prompts: an autosaved notebook already shows numbers from an earlier run.
    command(page, "Clear Outputs of All Cells")
    page.wait_for_function(PROMPTS, arg=r"^\[ ?\]:$", timeout=30_000)
    command(page, "Run All Cells")
    # Every code cell has run when every prompt shows a number (none is empty or [*]).
    try:
        page.wait_for_function(PROMPTS, arg=r"^\[\d+\]:$", timeout=timeout, polling=500)
    except PlaywrightTimeoutError as e:
        raise AssertionError(f"the cells did not all run within {timeout / 1000:g} s; {notebook_state(page)}") from e
    wait_for_kernel_idle(page, timeout)


CELL_STATE = """() => {
  const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  if (!nb) return [];
  return [...nb.querySelectorAll('.jp-CodeCell')].map((cell) => ({
    prompt: cell.querySelector('.jp-InputPrompt')?.textContent?.trim() ?? '',
    output: [...cell.querySelectorAll('.jp-OutputArea-output')].map((o) => o.textContent ?? '').join(' | ').slice(-300),
  }));
}"""


def notebook_state(page: Page) -> str:
    """Each code cell's prompt and the end of its output, and the kernel's status: what a timeout message needs."""
    cells = page.evaluate(CELL_STATE)
    status = page.locator(".jp-StatusBar-TextItem", has_text="|").all_text_contents()
    lines = [f"cell {i}: {c['prompt']} {c['output']!r}" for i, c in enumerate(cells)]
    return "kernel status " + repr(status) + "\n" + "\n".join(lines)


def error_outputs(page: Page) -> list[str]:
    return page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_text_contents()


def evaluated_drones(page: Page) -> int:
    """The number of evaluated drones the run's progress bar reports (the notebook's own account)."""
    text = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .beemind-progress").last.text_content() or ""
    match = re.search(r"(\d+)/\d+ drones", text)
    assert match, f"no progress line in {text!r}"
    return int(match.group(1))


def open_panel(page: Page, name: str) -> Locator:
    command(page, OPEN_COMMANDS[name])
    panel = page.locator(PANELS[name])
    expect(panel).to_be_visible()
    return panel


def restart_kernel(page: Page) -> None:
    command(page, "Restart Kernel…")
    page.locator(".jp-Dialog .jp-mod-accept").click()
    wait_for_kernel_idle(page, timeout=120_000)


def widen_right_sidebar(page: Page, width: int = 440) -> None:
    """Drags the handle between the main area and the right sidebar until the sidebar is `width` pixels wide."""
    handles = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle:not(.lm-mod-hidden)")
    handle = handles.last
    box = handle.bounding_box()
    viewport = page.viewport_size
    assert box is not None and viewport is not None
    right_bar = page.locator("#jp-right-stack")
    current = right_bar.bounding_box()
    assert current is not None
    x = box["x"] + box["width"] / 2
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - (width - current["width"]), y, steps=5)
    page.mouse.up()
