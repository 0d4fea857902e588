"""Executes every example notebook in notebooks/ with nbclient and the BeeMind kernel, failing on any error output.

The kernelspec is installed into a temporary prefix (put on JUPYTER_PATH), so the test uses this checkout's
kernel whatever is installed elsewhere. Needs `npx tsc -b` first (the kernel runs from kernel/dist).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def beemind_kernelspec(tmp_path_factory: pytest.TempPathFactory):
    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    subprocess.run(
        ["node", str(REPO / "kernel" / "bin" / "beemind-kernel.js"), "install", "--prefix", str(prefix)],
        check=True,
        capture_output=True,
    )
    data = prefix / "share" / "jupyter"
    assert (data / "kernels" / "beemind" / "kernel.json").exists()
    previous = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(data), *([previous] if previous else [])])
    yield "beemind"
    if previous is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = previous


def test_there_are_example_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"quickstart", "classification", "regression", "multi_objective", "neural_architecture_search"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "beemind"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has stored outputs: clear them"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_errors(path: Path, beemind_kernelspec: str):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=beemind_kernelspec,
        timeout=300,
        startup_timeout=60,
        allow_errors=True,  # collect every error below, with its cell, instead of stopping at the first
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                errors.append(f"cell {index}: {output.ename}: {output.evalue}\n{cell.source}")
    assert errors == [], "\n\n".join(errors)
    results = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type in ("execute_result", "display_data")]
    assert results, f"{path.name} displayed nothing"
    # Every notebook shows a leaderboard or a chart; a chart must be a Vega-Lite 5 spec JupyterLab renders.
    for output in results:
        spec = output.data.get("application/vnd.vegalite.v5+json")
        if spec is not None:
            assert "$schema" in json.dumps(spec) or "mark" in json.dumps(spec)
