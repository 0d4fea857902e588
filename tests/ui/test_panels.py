"""Browser tests of the BeeMind panels in a real JupyterLab (one test per user story), with screenshots of
each panel saved to docs/images/."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import Page, expect

from jupyterlab_page import (
    PANELS,
    command,
    error_outputs,
    evaluated_drones,
    open_notebook,
    open_panel,
    restart_kernel,
    run_all_cells,
    widen_right_sidebar,
)

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
KERNEL_META = {
    "kernelspec": {"name": "beemind", "display_name": "BeeMind (TypeScript)", "language": "typescript"},
    "language_info": {"name": "typescript"},
}


def attr(page: Page, panel: str, name: str) -> str:
    return page.locator(PANELS[panel]).get_attribute(f"data-{name}") or ""


def test_quickstart_fills_the_three_panels(page: Page, lab: dict) -> None:
    open_notebook(page, lab["url"], "notebooks/quickstart.ipynb")
    lineage = open_panel(page, "lineage")
    widen_right_sidebar(page, 440)
    # Record every drone count the lineage shows while the cells run: the panel fills live, not at the end.
    page.evaluate(
        """() => {
          const node = document.querySelector('#beemind-lineage');
          window.__beemindCounts = [];
          new MutationObserver(() => window.__beemindCounts.push(Number(node.dataset.droneCount)))
            .observe(node, { attributes: true, attributeFilter: ['data-drone-count'] });
        }"""
    )
    run_all_cells(page)
    assert error_outputs(page) == []
    drones = evaluated_drones(page)
    assert drones > 0
    counts = page.evaluate("window.__beemindCounts")
    assert any(0 < c < drones for c in counts), f"the lineage did not update during the run: {counts}"

    # One node per evaluated drone, and the default selection is the champion.
    expect(lineage).to_have_attribute("data-drone-count", str(drones))
    expect(lineage).to_have_attribute("data-node-count", str(drones))
    expect(lineage).to_have_attribute("data-status", "connected")
    assert attr(page, "lineage", "selected-drone") != ""
    IMAGES.mkdir(parents=True, exist_ok=True)
    lineage.screenshot(path=str(IMAGES / "lineage.png"))

    importance = open_panel(page, "importance")
    expect(importance).to_have_attribute("data-state", "ready")
    assert int(attr(page, "importance", "feature-count")) == 4  # the four iris measurements
    expect(importance.locator(".jp-BeeMind-feature").first).to_be_visible()
    importance.screenshot(path=str(IMAGES / "importance.png"))

    comparison = open_panel(page, "comparison")
    rows = comparison.locator(".jp-BeeMind-leaderboard tbody tr")
    expect(rows.first).to_be_visible()
    assert int(attr(page, "comparison", "point-count")) > 0
    comparison.screenshot(path=str(IMAGES / "comparison.png"))


def test_selecting_a_drone_updates_importance_and_comparison(page: Page, lab: dict) -> None:
    open_notebook(page, lab["url"], "notebooks/quickstart.ipynb")
    run_all_cells(page)
    lineage = open_panel(page, "lineage")
    champion = attr(page, "lineage", "selected-drone")
    # Hover to find a node as a person would (the summary names it), then click it.
    canvas = lineage.locator("canvas")
    box = canvas.bounding_box()
    assert box is not None
    picked = ""
    for y in range(20, int(min(box["height"], 400)), 4):
        for x in range(10, int(box["width"]) - 10, 4):
            page.mouse.move(box["x"] + x, box["y"] + y)
            hovered = attr(page, "lineage", "hovered-drone")
            if hovered and hovered != champion:
                page.mouse.click(box["x"] + x, box["y"] + y)
                picked = hovered
                break
        if picked:
            break
    assert picked, "no drone other than the champion under the pointer"
    expect(lineage).to_have_attribute("data-selected-drone", picked)
    expect(lineage.locator(".jp-BeeMind-tooltip")).to_contain_text(picked)

    importance = open_panel(page, "importance")
    expect(importance).to_have_attribute("data-drone-id", picked)
    expect(importance.locator(".jp-BeeMind-heading")).to_contain_text(f"{picked} ·")

    comparison = open_panel(page, "comparison")
    run_id = attr(page, "lineage", "run-id")
    selected_row = comparison.locator(f'tr[data-drone-id="{picked}"][data-run-id="{run_id}"]')
    if selected_row.count() > 0:  # drones that failed are not on the leaderboard
        expect(selected_row).to_have_class("jp-mod-selected")
    expect(comparison.locator(".jp-BeeMind-section").last).to_contain_text(picked)

    # Clicking a leaderboard row selects that drone everywhere (the lineage follows).
    other = comparison.locator("tbody tr").nth(1)
    other_id = other.get_attribute("data-drone-id")
    other.click()
    lineage = open_panel(page, "lineage")
    expect(lineage).to_have_attribute("data-selected-drone", other_id or "")


def test_kernel_restart_then_a_new_run_refills_the_panels(page: Page, lab: dict) -> None:
    open_notebook(page, lab["url"], "notebooks/quickstart.ipynb")
    run_all_cells(page)
    lineage = open_panel(page, "lineage")
    first_run = attr(page, "lineage", "run-id")
    assert first_run

    restart_kernel(page)
    # A fresh kernel loads the BeeMind library before it answers the panels (seconds on a busy machine); its
    # snapshot brings the earlier run back from the experiment store beside the notebook.
    expect(lineage).to_have_attribute("data-status", "connected", timeout=120_000)
    expect(lineage).to_have_attribute("data-run-id", first_run, timeout=120_000)

    run_all_cells(page)
    drones = evaluated_drones(page)
    expect(lineage).to_have_attribute("data-drone-count", str(drones))
    assert attr(page, "lineage", "run-id") not in ("", first_run)
    open_panel(page, "comparison")
    # the new run, and the earlier ones the store brought back, are there to compare
    assert int(attr(page, "comparison", "run-count")) >= 2
    importance = open_panel(page, "importance")
    expect(importance).to_have_attribute("data-state", "ready")


HTML_COLUMNS = ['<b>bold</b>', '<img src=x onerror="window.__beemindPwned=1">', "<script>window.__beemindPwned=2</script>", "a & b"]


def html_columns_notebook(root: Path) -> str:
    """A notebook whose dataset's column names are markup; returns its path relative to the server root."""

    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    rows = []
    for i in range(80):
        label = "yes" if i % 2 else "no"
        signal = (i % 2) * 2.0 + (i % 7) * 0.05
        rows.append(f"{signal:.3f},{(i * 37 % 11) / 10:.2f},{(i * 13 % 5) / 4:.2f},{(i % 3) / 2:.2f},{label}")
    csv = "\n".join([",".join([*map(quote, HTML_COLUMNS), "target"]), *rows])
    nb = new_notebook(metadata=KERNEL_META)
    nb.cells = [
        new_code_cell("import { readCSV, evolve } from 'beemind';"),
        new_code_cell(f"const data = await readCSV({json.dumps(csv)});\ndata.columnNames"),
        new_code_cell("const run = await evolve(data, { target: 'target', budget: { evaluations: 6 }, populationSize: 3, seed: 0 });\nrun.leaderboard"),
    ]
    path = root / "notebooks" / "html_columns.ipynb"
    nbformat.write(nb, path)
    return "notebooks/html_columns.ipynb"


def test_column_names_with_html_are_shown_literally(page: Page, lab: dict) -> None:
    notebook = html_columns_notebook(lab["root"])
    open_notebook(page, lab["url"], notebook)
    run_all_cells(page)
    importance = open_panel(page, "importance")
    expect(importance).to_have_attribute("data-state", "ready")
    names = importance.locator(".jp-BeeMind-feature").all_text_contents()
    assert sorted(names) == sorted(HTML_COLUMNS)
    for panel in PANELS.values():
        assert page.locator(f"{panel} img, {panel} b, {panel} script").count() == 0
    assert page.evaluate("window.__beemindPwned") is None


def test_panels_follow_the_dark_theme(page: Page, lab: dict) -> None:
    open_notebook(page, lab["url"], "notebooks/quickstart.ipynb")
    run_all_cells(page)
    lineage = open_panel(page, "lineage")
    widen_right_sidebar(page, 440)
    expect(lineage).to_have_attribute("data-drone-count", str(evaluated_drones(page)))
    background = """() => {
      const canvas = document.querySelector('#beemind-lineage canvas');
      const [r, g, b] = canvas.getContext('2d').getImageData(1, 1, 1, 1).data;
      const css = getComputedStyle(document.querySelector('#beemind-lineage')).getPropertyValue('--jp-layout-color1').trim();
      return { pixel: [r, g, b], css };
    }"""
    light = page.evaluate(background)
    command(page, "Use Theme: JupyterLab Dark")
    page.wait_for_function("document.body.dataset.jpThemeLight === 'false'")
    page.wait_for_timeout(1000)  # the theme's stylesheet applies, then the panels redraw
    dark = page.evaluate(background)
    assert sum(dark["pixel"]) < sum(light["pixel"]) - 300, (light, dark)
    IMAGES.mkdir(parents=True, exist_ok=True)
    lineage.screenshot(path=str(IMAGES / "lineage-dark.png"))
    command(page, "Use Theme: JupyterLab Light")
    page.wait_for_function("document.body.dataset.jpThemeLight === 'true'")
