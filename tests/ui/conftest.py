"""Fixtures of the browser tests: a real JupyterLab server on a free loopback port, with this checkout's
labextension and BeeMind kernelspec, and Playwright driving Debian's Chromium (never a downloaded browser).

The server's root is a temporary copy of the repository's layout: notebooks/ (the examples plus the tests'
own notebooks) and node_modules/ (a link, so cells import `beemind` and its shipped datasets), so the tests
write nothing into the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BEEMIND_CHROMIUM", "/usr/bin/chromium")
LABEXTENSION = REPO / "extension" / "beemind_jupyterlab" / "labextension"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("lab")
    root = base / "repo"
    (root / "notebooks").mkdir(parents=True)
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        shutil.copy(notebook, root / "notebooks" / notebook.name)
    (root / "node_modules").symlink_to(REPO / "node_modules")
    return root


@pytest.fixture(scope="session")
def lab(lab_root: Path, tmp_path_factory: pytest.TempPathFactory):
    if not (LABEXTENSION / "package.json").exists():
        pytest.fail(f"the labextension is not built: run `npm run build -w extension` (expected {LABEXTENSION})")
    home = tmp_path_factory.mktemp("jupyter-home")
    data = home / "share" / "jupyter"
    subprocess.run(
        ["node", str(REPO / "kernel" / "bin" / "beemind-kernel.js"), "install", "--prefix", str(home)],
        check=True,
        capture_output=True,
    )
    (data / "labextensions").mkdir(parents=True)
    (data / "labextensions" / "beemind-jupyterlab").symlink_to(LABEXTENSION)
    settings = home / "app-settings"
    settings.mkdir()
    # No news or update toasts over the panels in screenshots.
    (settings / "overrides.json").write_text(
        json.dumps({"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}})
    )
    port = free_port()
    env = {
        **os.environ,
        "JUPYTER_PATH": str(data),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=True",
            f"--ServerApp.root_dir={lab_root}",
            f"--LabApp.app_settings_dir={settings}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            f"--LabApp.user_settings_dir={home / 'user-settings'}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start; its log:\n{(home / 'server.log').read_text()[-4000:]}")
            time.sleep(0.5)
    yield {"url": url, "root": lab_root, "log": home / "server.log"}
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="session")
def browser() -> Browser:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def forget_workspaces(url: str) -> None:
    """Deletes every saved JupyterLab workspace, so the next page opens only its own notebook: a layout restored
    from an earlier test would reopen that test's notebook beside it, and either could end up the current one."""
    listing = json.load(urllib.request.urlopen(f"{url}/lab/api/workspaces", timeout=10))
    for workspace in listing["workspaces"]["ids"]:
        request = urllib.request.Request(f"{url}/lab/api/workspaces/{workspace}", method="DELETE")
        urllib.request.urlopen(request, timeout=10)


@pytest.fixture()
def page(browser: Browser, lab: dict) -> Page:
    forget_workspaces(lab["url"])
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    # Each test starts from fresh kernels: shut down every session the test left.
    sessions = json.load(urllib.request.urlopen(f"{lab['url']}/api/sessions", timeout=10))
    for session in sessions:
        request = urllib.request.Request(f"{lab['url']}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=30)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A failed browser test reports the end of the JupyterLab server's log, where the kernels write theirs."""
    outcome = yield
    report = outcome.get_result()
    lab_info = getattr(item, "funcargs", {}).get("lab")
    if report.failed and lab_info:
        log = Path(lab_info["log"])
        if log.exists():
            report.sections.append(("JupyterLab server log (its last 8000 characters)", log.read_text(errors="replace")[-8000:]))
