"""BeeMind in a user's own project, as a new user meets it: the npm tarballs of `beemind` and `beemind-kernel`
installed into a fresh folder outside this repository (which never sees the repository's node_modules), the
bins, the kernelspec written by `beemind-kernel install --prefix`, a notebook in that folder, a notebook in a
folder with no node_modules anywhere above it, and the wheel of the panels in a fresh virtual environment.

npm and pip fetch the dependencies from their registries (as a user's install would), so this module takes a
few minutes. Needs `npx tsc -b` and the built labextension first (scripts/setup.sh).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
KERNEL_NAME = "beemind-packaged"


def run(args: list[str], cwd: Path, timeout: float = 900, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
    assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def no_node_modules_above(folder: Path) -> bool:
    return not any((parent / "node_modules").exists() for parent in [folder, *folder.parents])


def sqlite_prebuild(folder: Path) -> dict[str, str]:
    """The environment for npm that offers better-sqlite3's install script (prebuild-install) the binding this
    checkout already built, as the prebuilt binary a user's install downloads from the project's releases.
    This machine cannot reach that download, and compiling SQLite instead takes a minute or more; the
    binding is only offered under the exact name (package version, Node ABI, platform, arch) that
    prebuild-install asks for, so a different resolved version still compiles as before."""
    built = REPO / "node_modules" / "better-sqlite3" / "build" / "Release" / "better_sqlite3.node"
    if not built.exists():
        return {}
    name = run(
        ["node", "-p", "const v = require('./node_modules/better-sqlite3/package.json').version;"
         " `better-sqlite3-v${v}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`"],
        REPO,
    ).strip()
    folder.mkdir()
    with tarfile.open(folder / name, "w:gz") as archive:
        archive.add(built, arcname="build/Release/better_sqlite3.node")
    return {"npm_config_better_sqlite3_local_prebuilds": str(folder)}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory):
    """The tarballs packed from this checkout, installed into a new project folder; the kernelspec beside it."""
    root = tmp_path_factory.mktemp("user")
    assert REPO not in root.parents and no_node_modules_above(root)
    tarballs = root / "tarballs"
    tarballs.mkdir()
    packed = json.loads(run(["npm", "pack", "-w", "beemind", "-w", "kernel", "--json", "--pack-destination", str(tarballs)], REPO))
    files = {p["name"]: tarballs / p["filename"] for p in packed}
    project = root / "my-project"
    project.mkdir()
    (project / "package.json").write_text(json.dumps({"name": "my-project", "private": True, "type": "module"}))
    env = {**os.environ, **sqlite_prebuild(root / "prebuilds")}
    run(["npm", "install", "--no-audit", "--no-fund", str(files["beemind"]), str(files["beemind-kernel"])], project, env=env)
    prefix = root / "jupyter"
    run(["npx", "--no-install", "beemind-kernel", "install", "--prefix", str(prefix), "--name", KERNEL_NAME], project)
    os.environ["JUPYTER_PATH"] = os.pathsep.join([str(prefix / "share" / "jupyter"), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    return {"root": root, "project": project, "packed": packed, "prefix": prefix}


def test_tarballs_hold_code_types_and_datasets(installed):
    contents = {p["name"]: {f["path"] for f in p["files"]} for p in installed["packed"]}
    library = contents["beemind"]
    assert {"dist/index.js", "dist/index.d.ts", "bin/beemind.js", "datasets/iris.csv", "datasets/SOURCES.md"} <= library
    assert not any(path.startswith(("src/", "test/")) for path in library)
    kernel = contents["beemind-kernel"]
    assert {"dist/main.js", "bin/beemind-kernel.js"} <= kernel
    manifest = json.loads((installed["project"] / "node_modules" / "beemind-kernel" / "package.json").read_text())
    assert "beemind" in manifest["dependencies"]


def test_bins_work_after_a_plain_npm_install(installed):
    project = installed["project"]
    assert "evolve" in run(["npx", "--no-install", "beemind", "--help"], project)
    assert "install" in run(["npx", "--no-install", "beemind-kernel", "--help"], project)
    spec = json.loads((installed["prefix"] / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json").read_text())
    assert Path(spec["argv"][1]).is_relative_to(project / "node_modules" / "beemind-kernel")


def execute(cells: list[str], folder: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "BeeMind (TypeScript)", "language": "typescript"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    path = folder / "analysis.ipynb"
    nbformat.write(nb, path)
    client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=300, startup_timeout=90, allow_errors=True, resources={"metadata": {"path": str(folder)}})
    client.execute()
    errors = [f"cell {i}: {o.ename}: {o.evalue}" for i, c in enumerate(nb.cells) for o in c.outputs if o.output_type == "error"]
    assert errors == [], "\n".join(errors)
    return nb


def result(cell: nbformat.NotebookNode) -> dict:
    shown = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert shown, f"no result from {cell.source!r}: {cell.outputs}"
    return shown[0]["data"]


def test_a_notebook_in_the_project_folder_evolves_predicts_saves_and_reloads(installed):
    project = installed["project"]
    nb = execute(
        [
            "import { loadDataset, datasetInfo, evolve, saveModel, loadModel } from 'beemind';\n"
            "const iris = await loadDataset('iris');\n"
            "iris.head(3)",
            "const run = await evolve(iris, { target: datasetInfo('iris').target, budget: { evaluations: 8 }, seed: 0 });\n"
            "const predicted = run.champion.predict(iris.head(10));\n"
            "predicted.length",
            "await saveModel(run, 'iris-model');\n"
            "const reloaded = await loadModel('iris-model');\n"
            "JSON.stringify(reloaded.predict(iris.head(10))) === JSON.stringify(predicted)",
        ],
        project,
    )
    table = result(nb.cells[0])
    assert "<table" in table["text/html"] and "sepal_length" in table["text/html"]
    assert result(nb.cells[1])["text/plain"] == "10"
    assert result(nb.cells[2])["text/plain"] == "true"
    assert (project / ".beemind" / "experiments.db").exists()


def test_a_notebook_with_no_node_modules_above_uses_the_kernels_packages(installed):
    elsewhere = installed["root"] / "elsewhere" / "notes"
    elsewhere.mkdir(parents=True)
    assert no_node_modules_above(elsewhere)
    nb = execute(
        [
            "import { datasetNames, loadDataset, toDataset, evolve } from 'beemind';\n"
            "import * as aq from 'arquero';\n"
            "datasetNames().includes('penguins') && typeof aq.table === 'function'",
            "const wine = await loadDataset('wine');\n"
            "const run = await evolve(wine, { target: 'cultivar', budget: { evaluations: 4 }, seed: 1, store: false });\n"
            "run.champion.predict(wine.head(2)).length",
        ],
        elsewhere,
    )
    assert result(nb.cells[0])["text/plain"] == "true"
    assert result(nb.cells[1])["text/plain"] == "2"


def test_the_wheel_carries_no_build_machine_path_and_installs_the_panels(tmp_path: Path):
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(REPO)], REPO)
    (wheel,) = wheels.glob("beemind_jupyterlab-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert any(n.endswith("labextensions/beemind-jupyterlab/package.json") for n in names)
        assert not any("/kernels/" in n for n in names), "the kernelspec comes from `beemind-kernel install`"
        for name in names:
            data = archive.read(name)
            assert str(REPO).encode() not in data, f"{name} holds a path of the build machine"
    venv = tmp_path / "venv"
    # A fresh environment, filled by this interpreter's pip (`--python`): the venv needs no pip of its own, and
    # byte-compiling the ~80 packages of JupyterLab at install time (`--no-compile`) took about half of the install.
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet", "--no-compile",
         "--disable-pip-version-check", str(wheel)], tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(venv / "bin" / "jupyter"), "labextension", "list"], capture_output=True, text=True, env=env, timeout=120)
    listing = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)  # without its colours
    assert re.search(r"beemind-jupyterlab v0\.1\.0 enabled OK", listing), listing
