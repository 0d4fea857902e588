"""Shared harness of the kernel tests and bench/kernel-latency.py: installs the BeeMind kernelspec into a
temporary prefix (never the user's home) on import, and offers a small client wrapper around jupyter_client.
The kernel must be built first (`npx tsc -b` at the repository root)."""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

REPO = Path(__file__).resolve().parents[2]
KERNEL_NAME = "beemind"
# The first cell waits for the TypeScript compiler to load and warm up; on a busy machine that takes a while.
FIRST_TIMEOUT = 120
TIMEOUT = 60

if not (REPO / "kernel" / "dist" / "main.js").exists():
    raise RuntimeError("The kernel is not built: run `npx tsc -b` in the repository root first.")

_prefix = tempfile.mkdtemp(prefix="beemind-kernelspec-")
atexit.register(shutil.rmtree, _prefix, True)
subprocess.run(
    ["node", str(REPO / "kernel" / "bin" / "beemind-kernel.js"), "install", "--prefix", _prefix],
    check=True,
    capture_output=True,
)
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    p for p in (os.path.join(_prefix, "share", "jupyter"), os.environ.get("JUPYTER_PATH")) if p
)


@dataclass
class Execution:
    """What one execute_request produced: the reply and the iopub messages with it as parent, in order."""

    reply: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.reply["content"]["status"]

    def of_type(self, msg_type: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["msg_type"] == msg_type]

    @property
    def stdout(self) -> str:
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == "stdout")

    @property
    def stderr(self) -> str:
        return "".join(m["content"]["text"] for m in self.of_type("stream") if m["content"]["name"] == "stderr")

    @property
    def result(self) -> str | None:
        results = self.of_type("execute_result")
        return results[0]["content"]["data"]["text/plain"] if results else None


class Kernel:
    """A started BeeMind kernel with helpers to execute code and exchange comm messages."""

    def __init__(self, km: KernelManager, kc: BlockingKernelClient):
        self.km = km
        self.kc = kc
        self.warm = False
        # iopub messages read while waiting for something else (comm traffic of other requests, late output).
        self.backlog: list[dict[str, Any]] = []

    def execute(self, code: str, timeout: float | None = None, interrupt_after: float | None = None, **kwargs: Any) -> Execution:
        timeout = timeout or (TIMEOUT if self.warm else FIRST_TIMEOUT)
        msg_id = self.kc.execute(code, **kwargs)
        if interrupt_after is not None:
            time.sleep(interrupt_after)
            self.km.interrupt_kernel()
        messages = self.collect(msg_id, timeout)
        reply = self.shell_reply(msg_id, timeout)
        self.warm = True
        return Execution(reply, messages)

    def collect(self, msg_id: str, timeout: float) -> list[dict[str, Any]]:
        """iopub messages whose parent is msg_id, up to its idle status (included)."""
        deadline = time.monotonic() + timeout
        out = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") != msg_id:
                self.backlog.append(msg)
                continue
            out.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return out

    def backlog_for(self, msg_id: str) -> list[dict[str, Any]]:
        """Takes the backlogged iopub messages of one request (read while waiting for something else)."""
        mine = [m for m in self.backlog if m["parent_header"].get("msg_id") == msg_id]
        self.backlog = [m for m in self.backlog if m["parent_header"].get("msg_id") != msg_id]
        return mine

    def shell_reply(self, msg_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            msg = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def send_shell(self, msg_type: str, content: dict[str, Any], buffers: list[bytes] | None = None) -> str:
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg) if not buffers else self.kc.session.send(self.kc.shell_channel.socket, msg, buffers=buffers)
        return msg["header"]["msg_id"]

    def iopub_until(self, predicate, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """Collects iopub messages until one satisfies predicate (returned last)."""
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            if self.backlog:
                msg = self.backlog.pop(0)
            else:
                try:
                    msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
                except Empty:
                    break
            seen.append(msg)
            if predicate(msg):
                return seen
        raise AssertionError(f"no matching iopub message within {timeout}s; saw {[m['msg_type'] for m in seen]}")

    def drain(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        out, self.backlog = self.backlog, []
        deadline = time.monotonic() + seconds
        while True:
            try:
                out.append(self.kc.get_iopub_msg(timeout=max(0.05, deadline - time.monotonic())))
            except Empty:
                return out


def start_kernel(cwd: Path = REPO, **launch: Any) -> Kernel:
    """Starts a BeeMind kernel whose notebook folder is `cwd` (the repository root unless given)."""
    km = KernelManager(kernel_name=KERNEL_NAME)
    km.start_kernel(cwd=str(cwd), **launch)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=FIRST_TIMEOUT)
    return Kernel(km, kc)


def stop_kernel(kernel: Kernel) -> None:
    kernel.kc.stop_channels()
    kernel.km.shutdown_kernel(now=True)

