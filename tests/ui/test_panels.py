"""Browser tests of the BeeMind panels in a real JupyterLab (one test per user story), with screenshots of
each panel saved to docs/images/."""

from __future__ import annotations

import json
import re
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
    # Below the importance, the why view explains the first test row with the champion.
    expect(importance).to_have_attribute("data-why-state", "ready", timeout=120_000)
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
    # a panel opened after the run fills once the kernel answers it: read it then
    expect(lineage).to_have_attribute("data-drone-count", str(evaluated_drones(page)))
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
    expect(lineage).to_have_attribute("data-run-id", re.compile(r".+"))
    first_run = attr(page, "lineage", "run-id")

    restart_kernel(page)
    # A fresh kernel loads the BeeMind library before it answers the panels (seconds on a busy machine); its
    # snapshot brings the earlier run back from the experiment store beside the notebook.
    expect(lineage).to_have_attribute("data-status", "connected", timeout=120_000)
    expect(lineage).to_have_attribute("data-run-id", first_run, timeout=120_000)

    run_all_cells(page)
    drones = evaluated_drones(page)
    expect(lineage).to_have_attribute("data-drone-count", str(drones))
    assert attr(page, "lineage", "run-id") not in ("", first_run)
    comparison = open_panel(page, "comparison")
    # the new run, and the earlier ones the store brought back, are there to compare (waited for: the panel
    # renders after it opens, and read at once its count was once still empty)
    expect(comparison).to_have_attribute("data-run-count", re.compile(r"^([2-9]|[1-9]\d+)$"))
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


def why_notebook(root: Path) -> str:
    """A notebook that runs a small tree search on iris and explains three rows in a cell with run.explain,
    printing the numbers explain returned; returns its path relative to the server root."""
    nb = new_notebook(metadata=KERNEL_META)
    nb.cells = [
        new_code_cell("import { loadDataset, evolve } from 'beemind';"),
        new_code_cell(
            "const data = await loadDataset('iris');\n"
            "const run = await evolve(data, { target: 'species', budget: { evaluations: 12 }, populationSize: 6,\n"
            "  families: ['decision_tree', 'random_forest'], seed: 1 });\n"
            "run.leaderboard"
        ),
        # Each run of this cell sends other rows (5, 55, 105 first, then 20, 70, 120) and prints what explain returned.
        new_code_cell(
            "(globalThis as any).explainRound = ((globalThis as any).explainRound ?? 0) + 1;\n"
            "await run.explain(data.drop(['species']).take((globalThis as any).explainRound === 1 ? [5, 55, 105] : [20, 70, 120]))\n"
            "  .then((why) => console.log('EXPLAINED ' + JSON.stringify({ columns: why.columns, outputs: why.outputs,\n"
            "    base: why.base, values: why.values.map((row) => row.map((v) => Array.from(v))) })));"
        ),
    ]
    nbformat.write(nb, root / "notebooks" / "why.ipynb")
    return "notebooks/why.ipynb"


def explained_in_the_cell(page: Page) -> dict:
    texts = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output").all_text_contents()
    line = next(t for t in texts if t.startswith("EXPLAINED "))
    return json.loads(line[len("EXPLAINED "):])


def shown_attributions(scope, drone: str | None = None) -> dict[str, str]:
    """Feature → the exact number (as the kernel sent it) of every attribution bar in `scope` (of one drone)."""
    bars = scope.locator(".jp-BeeMind-attribution" + (f'[data-drone-id="{drone}"]' if drone else ""))
    return {bars.nth(i).get_attribute("data-feature"): bars.nth(i).get_attribute("data-value") for i in range(bars.count())}


def test_why_view_shows_the_chosen_rows_attributions_as_explain_returns_them(page: Page, lab: dict) -> None:
    notebook = why_notebook(lab["root"])
    open_notebook(page, lab["url"], notebook)
    run_all_cells(page)
    assert error_outputs(page) == []
    expected = explained_in_the_cell(page)

    importance = open_panel(page, "importance")
    widen_right_sidebar(page, 440)
    # By default the why view explains the first test row with the champion: one bar per iris measurement.
    expect(importance).to_have_attribute("data-why-state", "ready", timeout=120_000)
    expect(importance).to_have_attribute("data-why-source", "test")
    assert len(shown_attributions(importance.locator(".jp-BeeMind-why"))) == 4

    # Pick the second of the rows the cell sent with run.explain.
    importance.locator(".jp-BeeMind-whySource").select_option("sent")
    expect(importance).to_have_attribute("data-why-source", "sent")
    # the view redraws its row picker when the sent rows' explanation arrives: type the row once it has
    expect(importance).to_have_attribute("data-why-state", "ready", timeout=120_000)
    row_input = importance.locator(".jp-BeeMind-whyRowInput")
    row_input.fill("1")
    row_input.press("Enter")
    expect(importance).to_have_attribute("data-why-row", "1")
    expect(importance).to_have_attribute("data-why-state", "ready", timeout=120_000)
    chart = importance.locator(".jp-BeeMind-why .jp-BeeMind-attributions")
    expect(chart).to_have_attribute("data-row", "1")
    output = int(chart.get_attribute("data-output") or "-1")
    assert 0 <= output < len(expected["outputs"])
    shown = shown_attributions(importance.locator(".jp-BeeMind-why"))
    # Exactly the numbers explain returned in the cell for that row and class (the same doubles, not rounded).
    assert sorted(shown) == sorted(expected["columns"])
    for feature, value in shown.items():
        assert float(value) == expected["values"][1][output][expected["columns"].index(feature)], feature
    assert float(chart.get_attribute("data-base") or "nan") == expected["base"][output]
    # Sorted by size, and written with their sign.
    sizes = [abs(float(v)) for v in shown.values()]
    assert sizes == sorted(sizes, reverse=True)
    texts = importance.locator(".jp-BeeMind-why .jp-BeeMind-attribution .jp-BeeMind-value").all_text_contents()
    assert all(t[0] in "+-0—" for t in texts), texts
    IMAGES.mkdir(parents=True, exist_ok=True)
    importance.screenshot(path=str(IMAGES / "why.png"))

    # Running the cell again sends other rows: the why view follows, with the numbers of the new explanation.
    before = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output", has_text="EXPLAINED ").first.text_content()
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").nth(2).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        """(before) => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
          .some((o) => o.textContent.startsWith('EXPLAINED ') && o.textContent !== before)""",
        arg=before,
        timeout=120_000,
    )
    again = explained_in_the_cell(page)
    assert again["values"][1] != expected["values"][1]
    # Every bar shows the new explanation's number for its column and the class shown.
    page.wait_for_function(
        """([columns, values]) => {
          const chart = document.querySelector('#beemind-importance .jp-BeeMind-why .jp-BeeMind-attributions');
          if (!chart || chart.dataset.row !== '1') return false;
          const output = Number(chart.dataset.output);
          const bars = [...chart.querySelectorAll('.jp-BeeMind-attribution')];
          return bars.length === columns.length &&
            bars.every((bar) => Number(bar.dataset.value) === values[output][columns.indexOf(bar.dataset.feature)]);
        }""",
        arg=[again["columns"], again["values"][1]],
        timeout=120_000,
    )


def test_lineage_sized_to_the_sidebar_zooms_and_names_the_run_after_its_data(page: Page, lab: dict) -> None:
    notebook = why_notebook(lab["root"])
    open_notebook(page, lab["url"], notebook)
    run_all_cells(page)
    lineage = open_panel(page, "lineage")
    widen_right_sidebar(page, 420)
    expect(lineage).to_have_attribute("data-node-count", "12")
    # A dozen drones in a 420 px sidebar are large enough to read and click, not a strip of dots.
    assert float(attr(page, "lineage", "node-radius")) >= 10
    canvas = lineage.locator("canvas")
    box = canvas.bounding_box()
    assert box is not None and box["height"] >= 250, box
    # The run is listed under its data's name.
    assert lineage.locator(".jp-BeeMind-runPicker option").first.text_content().startswith("iris ·")
    # The wheel zooms, the Fit button goes back.
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.wait_for_function("Number(document.querySelector('#beemind-lineage').dataset.zoom) > 1.2")
    lineage.locator(".jp-BeeMind-zoomReset").click()
    expect(lineage).to_have_attribute("data-zoom", "1")
    # The tooltip names the drone, its pipeline and its fit time in readable units.
    champion = attr(page, "lineage", "selected-drone")
    found = ""
    for y in range(10, int(box["height"]) - 5, 6):
        for x in range(10, int(box["width"]) - 10, 6):
            page.mouse.move(box["x"] + x, box["y"] + y)
            found = attr(page, "lineage", "hovered-drone")
            if found:
                break
        if found:
            break
    assert found, "no drone under the pointer"
    tooltip = lineage.locator(".jp-BeeMind-tooltip")
    expect(tooltip).to_contain_text(found)
    expect(tooltip).to_contain_text(re.compile(r"fit \d+(\.\d+)? (µs|ms|s), predict \d+(\.\d+)? (µs|ms|s)"))
    # The champion (a drone or an ensemble) is described under the lineage.
    expect(lineage.locator(".jp-BeeMind-droneDetails")).to_contain_text("champion")
    if champion:
        expect(lineage.locator(".jp-BeeMind-droneDetails")).to_contain_text(champion)
