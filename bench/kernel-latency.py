"""Kernel latency benchmark: the BeeMind kernel side by side with tslab 1.0.22, both driven by jupyter_client.

Measures, per kernel: startup (process spawn to kernel_info_reply), from spawn to the result of a first cell
that imports the library (`import { evolve } from 'beemind'` then `1+1`), the round trip of a warm `1+1`
(execute_request sent to execute_reply received) and of a typed function declaration (a new name each run),
as median and p90 over --runs runs. Both kernelspecs are registered in a temporary directory. Installs
nothing: build BeeMind first (`npx tsc -b`) and install tslab outside the repository (as a dependency of the
workspace its TypeScript fork would take over `npx tsc`):

    npm install --prefix /tmp/beemind-bench-tslab tslab@1.0.22
    .venv/bin/python bench/kernel-latency.py [--runs 30] [--startup-runs 30] [--tslab /tmp/beemind-bench-tslab]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

REPO = Path(__file__).resolve().parents[1]


def register_kernelspecs(root: Path, tslab_bin: Path) -> None:
    """BeeMind through its own installer; tslab with the kernel.json its installer would write."""
    subprocess.run(["node", str(REPO / "kernel" / "bin" / "beemind-kernel.js"), "install", "--prefix", str(root)], check=True, capture_output=True)
    tslab = root / "share" / "jupyter" / "kernels" / "tslab"
    tslab.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [shutil.which("node") or "node", str(tslab_bin), "kernel", "--config-path", "{connection_file}"], "display_name": "TypeScript (tslab)", "language": "typescript"}
    (tslab / "kernel.json").write_text(json.dumps(spec))
    os.environ["JUPYTER_PATH"] = str(root / "share" / "jupyter")


class Client:
    """Bare ZeroMQ sockets signed by jupyter_client's Session: less client overhead than the threaded clients."""

    def __init__(self, km: KernelManager):
        info = km.get_connection_info()
        self.session = Session(key=info["key"] if isinstance(info["key"], bytes) else info["key"].encode(), signature_scheme=info["signature_scheme"])
        ctx = zmq.Context.instance()
        self.shell = ctx.socket(zmq.DEALER)
        self.shell.linger = 0
        self.shell.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
        self.iopub = ctx.socket(zmq.SUB)
        self.iopub.linger = 0
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")

    def request(self, msg_type: str, content: dict, timeout: float) -> dict:
        msg = self.session.msg(msg_type, content)
        self.session.send(self.shell, msg)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.shell.poll(int(left * 1000)):
                raise TimeoutError(f"no {msg_type} reply within {timeout} s")
            _, reply = self.session.feed_identities(self.shell.recv_multipart())
            reply = self.session.deserialize(reply)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                self.drain_iopub()
                return reply

    def drain_iopub(self) -> None:
        while self.iopub.poll(0):
            self.iopub.recv_multipart()

    def execute(self, code: str, timeout: float = 60) -> float:
        start = time.perf_counter()
        reply = self.request("execute_request", {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}, timeout)
        elapsed = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{code!r} failed: {reply['content']}")
        return elapsed

    def close(self) -> None:
        self.shell.close()
        self.iopub.close()


def start(kernel: str) -> tuple[KernelManager, Client, float]:
    """Starts a kernel; returns it with the time from spawn to kernel_info_reply."""
    km = KernelManager(kernel_name=kernel)
    begin = time.perf_counter()
    km.start_kernel(cwd=str(REPO))
    client = Client(km)
    client.request("kernel_info_request", {}, timeout=120)
    return km, client, time.perf_counter() - begin


def stop(km: KernelManager, client: Client) -> None:
    client.close()
    km.shutdown_kernel(now=True)


def summary(values: list[float]) -> tuple[float, float]:
    ms = sorted(v * 1000 for v in values)
    return statistics.median(ms), ms[min(len(ms) - 1, int(round(0.9 * (len(ms) - 1))))]


FIRST_CELL = "import { evolve } from 'beemind';\n1 + 1"


def bench(kernel: str, runs: int, startup_runs: int) -> dict[str, tuple[float, float]]:
    startups = []
    first_results = []
    for _ in range(startup_runs):
        begin = time.perf_counter()
        km, client, seconds = start(kernel)
        startups.append(seconds)
        # what a user waits for: the kernel starts, the first cell imports the library and shows a result
        client.execute(FIRST_CELL, timeout=180)
        first_results.append(time.perf_counter() - begin)
        stop(km, client)
    km, client, _ = start(kernel)
    try:
        client.execute("1 + 1", timeout=180)  # waits for the compiler to load
        for _ in range(5):
            client.execute("1 + 1")
        one = [client.execute("1 + 1") for _ in range(runs)]
        declare = [client.execute(f"function add{i}(a: number, b: number): number {{ return a + b; }}") for i in range(runs)]
    finally:
        stop(km, client)
    return {
        "startup to kernel_info_reply": summary(startups),
        "start to the first cell's result (`import { evolve } from 'beemind'`, `1+1`)": summary(first_results),
        "warm `1+1`": summary(one),
        "typed function declaration": summary(declare),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--startup-runs", type=int, default=30)
    parser.add_argument("--kernels", default="beemind,tslab")
    parser.add_argument("--tslab", default=os.environ.get("TSLAB_PREFIX", "/tmp/beemind-bench-tslab"), help="npm prefix where tslab 1.0.22 is installed")
    args = parser.parse_args()
    if not (REPO / "kernel" / "dist" / "main.js").exists():
        sys.exit("Build first: npx tsc -b")
    kernels = args.kernels.split(",")
    tslab_bin = Path(args.tslab) / "node_modules" / "tslab" / "bin" / "tslab"
    if "tslab" in kernels and not tslab_bin.exists():
        sys.exit(f"tslab is missing: npm install --prefix {args.tslab} tslab@1.0.22 (or --kernels beemind)")
    with tempfile.TemporaryDirectory(prefix="beemind-bench-") as tmp:
        register_kernelspecs(Path(tmp), tslab_bin)
        results = {k: bench(k, args.runs, args.startup_runs) for k in kernels}
    load = os.getloadavg()[0]
    print(f"\nKernel latency, median / p90 in ms ({args.runs} runs; {args.startup_runs} startups; load average {load:.1f} on {os.cpu_count()} cores)\n")
    names = {"beemind": "BeeMind", "tslab": "tslab 1.0.22"}
    print("| measure | " + " | ".join(names.get(k, k) for k in kernels) + " |")
    print("|---|" + "---|" * len(kernels))
    for measure in results[kernels[0]]:
        cells = [f"{results[k][measure][0]:.1f} / {results[k][measure][1]:.1f}" for k in kernels]
        print(f"| {measure} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
