"""Docs that cannot go stale: every TypeScript block of README.md and docs/*.md runs in the BeeMind kernel, in
order, in a fresh folder outside the repository (as a user's notebook would), and every `npx beemind` command
of README.md runs, in order, in a fresh folder with the bundled datasets. A Redis server and one
`beemind worker` serve the blocks that use BEEMIND_REDIS_URL. Needs `npx tsc -b` and redis-server.
"""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "kernel"))
from kernel_harness import start_kernel, stop_kernel  # noqa: E402

CLI = ["node", str(REPO / "beemind" / "bin" / "beemind.js")]
FENCE = re.compile(r"^[ \t]*```(\w+)[ \t]*\n(.*?)^[ \t]*```", re.M | re.S)
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def blocks(path: Path, languages: set[str]) -> list[str]:
    text = path.read_text()
    out = []
    for match in FENCE.finditer(text):
        if match.group(1) in languages:
            indent = min((len(l) - len(l.lstrip()) for l in match.group(2).splitlines() if l.strip()), default=0)
            out.append("\n".join(l[indent:] for l in match.group(2).splitlines()))
    return out


def cli_commands() -> list[str]:
    """`npx beemind …` lines of the README's shell blocks (`beemind-kernel` ones install into the user's Jupyter)."""
    lines = [l.strip() for b in blocks(REPO / "README.md", {"bash", "sh"}) for l in b.splitlines()]
    return [l for l in lines if l.startswith("npx beemind ")]


def without_port(args: list[str]) -> list[str]:
    """`args` without a `--port N` / `--port=N` option (the test serves on a free port instead)."""
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a == "--port":
            skip = True
        elif not a.startswith("--port="):
            out.append(a)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: scripts/setup.sh installs it"
    port = free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def worker(redis_url: str) -> Iterator[None]:
    proc = subprocess.Popen([*CLI, "worker", "--redis", redis_url, "--concurrency", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_the_docs_have_examples():
    assert len(blocks(REPO / "README.md", {"ts", "typescript"})) >= 3
    assert len(cli_commands()) >= 10


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_typescript_blocks_run_in_the_kernel(path: Path, tmp_path: Path, redis_url: str, worker: None):
    code = blocks(path, {"ts", "typescript"})
    if not code:
        assert path != REPO / "README.md"
        return
    kernel = start_kernel(cwd=tmp_path, env={**os.environ, "BEEMIND_REDIS_URL": redis_url})
    try:
        for index, block in enumerate(code):
            ex = kernel.execute(block, timeout=300)
            content = ex.reply["content"]
            assert ex.status == "ok", f"{path.name} block {index + 1} failed:\n{block}\n\n{content.get('ename')}: {content.get('evalue')}"
    finally:
        stop_kernel(kernel)


def test_readme_commands_run_on_the_bundled_datasets(tmp_path: Path, redis_url: str, worker: None):
    # BEEMIND_REDIS_URL sends the README's `evolve` runs to `beemind worker` processes: the module's worker
    # serves them (without it, this test passed only after the kernel tests had started that worker)
    env = {**os.environ, "BEEMIND_REDIS_URL": redis_url}
    env.pop("BEEMIND_STORE", None)
    runs: list[str] = []
    for line in cli_commands():
        command = line.split(" #")[0].strip()
        if "RUN" in command:
            if not runs:
                listed = subprocess.run([*CLI, "runs", "list", "--json"], cwd=tmp_path, capture_output=True, text=True, env=env, check=True)
                runs = [r["id"] for r in json.loads(listed.stdout)]
            assert len(runs) >= 2, "the README's evolve commands record runs before `runs compare`"
            command = command.replace("RUN_A", runs[0]).replace("RUN_B", runs[1])
            command = re.sub(r"\bRUN\b", runs[0], command)
        args = [os.path.expandvars(a) for a in shlex.split(command)[2:]]
        if args[0] == "worker":
            # a worker runs until Ctrl-C: it must start, then stop cleanly on SIGINT
            proc = subprocess.Popen([*CLI, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(3)
            assert proc.poll() is None, f"{line}: the worker exited at once:\n{proc.stdout.read() if proc.stdout else ''}"
            proc.send_signal(signal.SIGINT)
            assert proc.wait(30) == 0, line
            continue
        if args[0] == "serve":
            # a server runs until Ctrl-C: it must start (on a free port), answer, then stop cleanly on SIGINT
            proc = subprocess.Popen([*CLI, *without_port(args), "--port", "0"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            url = None
            while url is None and proc.stdout and (started := proc.stdout.readline()):
                found = re.search(r" at (http://\S+)", started)
                url = found.group(1) if found else None
            assert url, f"{line}: no start-up line"
            with urllib.request.urlopen(f"{url}/healthz", timeout=10) as health:
                assert health.status == 200, line
            proc.send_signal(signal.SIGINT)
            assert proc.wait(30) == 0, line
            continue
        done = subprocess.run([*CLI, *args], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, f"{line}\nexit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    predictions = (tmp_path / "predictions.csv").read_text().splitlines()
    assert predictions[0].startswith("diagnosis") and len(predictions) == 570


def test_the_bins_work_in_the_checkout_after_setup():
    """`npm ci` links the bins before the build; committed launchers make them work once it has run."""
    for bin_name, word in (("beemind", "evolve"), ("beemind-kernel", "install")):
        done = subprocess.run(["npx", "--no-install", bin_name, "--help"], cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and word in done.stdout, f"{bin_name}: {done.stdout}\n{done.stderr}"
