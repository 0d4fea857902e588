"""Packages in a notebook outside this repository: `beemind` imported from a folder with no node_modules above it
(the kernel's own copy), a package found nowhere named with how to install it, and the `%npm` line magic
installing a package that the rest of the cell and later cells import, without a restart."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from kernel_harness import start_kernel, stop_kernel


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="beemind-notebook-") as tmp:
        path = Path(tmp)
        assert not any((p / "node_modules").exists() for p in [path, *path.parents])
        # a local package to install with %npm (a folder: no registry needed)
        pkg = path / "vendor" / "answer-pkg"
        pkg.mkdir(parents=True)
        (pkg / "package.json").write_text(json.dumps({"name": "answer-pkg", "version": "1.0.0", "type": "module", "exports": {".": {"types": "./index.d.ts", "default": "./index.js"}}}))
        (pkg / "index.js").write_text("export const answer = 6 * 7;\n")
        (pkg / "index.d.ts").write_text("export declare const answer: number;\n")
        yield path


@pytest.fixture(scope="module")
def kernel(folder: Path):
    k = start_kernel(cwd=folder)
    yield k
    stop_kernel(k)


def test_beemind_imports_where_no_node_modules_exist(kernel):
    ex = kernel.execute("import { datasetNames, loadDataset } from 'beemind';\nconst penguins = await loadDataset('penguins');\npenguins.rows")
    assert ex.status == "ok", ex.reply["content"]
    assert ex.result == "344"


def test_a_missing_package_is_named_with_how_to_install_it(kernel):
    ex = kernel.execute("import { chunk } from 'beemind-no-such-package';")
    assert ex.status == "error"
    text = "\n".join(ex.reply["content"]["traceback"])
    assert "beemind-no-such-package" in text and "%npm install beemind-no-such-package" in text


def test_npm_magic_installs_a_package_importable_at_once(kernel, folder: Path):
    ex = kernel.execute("%npm install ./vendor/answer-pkg\nimport { answer } from 'answer-pkg';\nanswer", timeout=300)
    assert ex.status == "ok", ex.reply["content"]
    assert ex.result == "42"
    assert "added" in ex.stdout + ex.stderr  # npm's own report reaches the cell
    assert (folder / "node_modules" / "answer-pkg").exists()
    later = kernel.execute("answer + 1")
    assert later.result == "43"


def test_a_failing_npm_command_stops_the_cell(kernel):
    ex = kernel.execute("%npm install ./vendor/not-there\nconst ranAnyway = true;", timeout=300)
    assert ex.status == "error"
    assert ex.reply["content"]["ename"] == "NpmError"
    assert kernel.execute("typeof ranAnyway").status == "error"  # the code after the magic did not run


def test_unknown_magics_are_refused_with_the_known_one(kernel):
    ex = kernel.execute("%pip install pandas")
    assert ex.status == "error"
    assert "%npm" in ex.reply["content"]["evalue"]
