"""The `beemind` comm target (protocol v1, docs/protocol.md) against the real library: snapshot on open,
throttled event batches with binary buffers, requests, malformed messages, live progress of `evolve`, and
an interrupted `evolve` that keeps its drones."""
from __future__ import annotations

import json
import struct
import tempfile
import uuid
from pathlib import Path

import pytest

from kernel_harness import Kernel, start_kernel, stop_kernel

EVOLVE_SETUP = "import { loadDataset, evolve, publishRunEvent } from 'beemind';\nconst iris = await loadDataset('iris');"


def open_beemind(kernel: Kernel, data: dict | None = None) -> tuple[str, dict]:
    comm_id = uuid.uuid4().hex
    kernel.send_shell("comm_open", {"comm_id": comm_id, "target_name": "beemind", "data": data or {"protocol": "beemind", "version": 1, "throttleMs": 50}})
    first = next_messages(kernel, comm_id, 1)[0]
    return comm_id, first


def next_messages(kernel: Kernel, comm_id: str, count: int = 1, timeout: float = 60, until=None) -> list[dict]:
    """comm_msg payloads (data, with buffers attached) of one comm, until `count` or until(data) is true."""
    found: list[dict] = []

    def take(m: dict) -> bool:
        if m["msg_type"] not in ("comm_msg", "comm_close") or m["content"].get("comm_id") != comm_id:
            return False
        data = dict(m["content"].get("data") or {}, _msg_type=m["msg_type"], _buffers=[bytes(b) for b in m.get("buffers", [])])
        found.append(data)
        return until(data) if until else len(found) >= count

    kernel.iopub_until(take, timeout)
    return found


def requeue_comm_messages(kernel: Kernel, run) -> None:
    """Comm messages sent while a cell ran have that cell as parent: hand them back to next_messages."""
    kernel.backlog[:0] = [m for m in run.messages if m["msg_type"] in ("comm_msg", "comm_close")]


def request(kernel: Kernel, comm_id: str, payload: dict) -> dict:
    kernel.send_shell("comm_msg", {"comm_id": comm_id, "data": payload})
    return next_messages(kernel, comm_id, 1)[0]


@pytest.fixture(scope="module")
def library_kernel(kernel: Kernel) -> Kernel:
    assert kernel.execute(EVOLVE_SETUP).status == "ok"
    return kernel


def test_open_sends_a_snapshot_then_streams_events_in_batches_with_buffers(library_kernel: Kernel):
    k = library_kernel
    comm_id, snapshot = open_beemind(k)
    assert snapshot["type"] == "snapshot" and snapshot["version"] == 1
    assert snapshot["library"] == {"available": True}
    assert isinstance(snapshot["runs"], list)

    run = k.execute(
        "const t = new Date().toISOString();\n"
        "const drone = (i: number) => ({ id: `d${i}`, generation: 0, parents: [], operator: 'init', family: 'tree',\n"
        "  genome: { steps: [], model: { family: 'tree', params: {} } }, status: 'ok' as const, score: i / 1000,\n"
        "  foldScores: Array.from({ length: 300 }, (_, j) => i + j / 1000), objectives: [i / 1000], fitSeconds: 0, predictSeconds: 0, fraction: 1 });\n"
        "for (let i = 0; i < 300; i++) publishRunEvent({ type: 'drone.evaluated', runId: 'synthetic', time: t, drone: drone(i) });\n"
        "await new Promise((r) => setTimeout(r, 200));\n"
        "publishRunEvent({ type: 'run.finished', runId: 'synthetic', time: t, status: 'completed', reason: 'evaluations', championId: 'd299',\n"
        "  ensemble: null, leaderboard: [], testScore: null, elapsedSeconds: 1, evaluated: 300 });"
    )
    assert run.status == "ok", run.reply["content"]
    requeue_comm_messages(k, run)
    batches = next_messages(k, comm_id, until=lambda d: any(e["type"] == "run.finished" for e in d.get("events", [])))
    events = [e for b in batches for e in b["events"]]
    assert [e["type"] for e in events] == ["drone.evaluated"] * 300 + ["run.finished"]
    assert [e["drone"]["id"] for e in events[:300]] == [f"d{i}" for i in range(300)]
    assert 2 <= len(batches) < 300
    # Fold scores of 300 numbers travel as float64 buffers referenced from the JSON.
    batch = batches[0]
    ref = batch["events"][0]["drone"]["foldScores"]
    assert ref["dtype"] == "float64" and ref["length"] == 300
    values = struct.unpack("<300d", batch["_buffers"][ref["$buffer"]])
    assert values[1] == pytest.approx(0.001)


def test_requests_are_answered_and_malformed_messages_get_errors(library_kernel: Kernel):
    k = library_kernel
    comm_id, snapshot = open_beemind(k)
    assert any(r["runId"] == "synthetic" and len(r["events"]) == 301 for r in snapshot["runs"])

    found = request(k, comm_id, {"type": "request", "id": "q1", "method": "drone", "params": {"runId": "synthetic", "droneId": "d7"}})
    assert found["type"] == "response" and found["ok"] is True and found["id"] == "q1"
    assert found["result"]["id"] == "d7"
    missing = request(k, comm_id, {"type": "request", "id": "q2", "method": "drone", "params": {"runId": "nope", "droneId": "d7"}})
    assert missing["ok"] is False and missing["error"]["code"] == "unknown_run"

    for bad in [
        {"type": "request", "method": "snapshot"},
        {"type": "request", "id": "q3", "method": "launch-missiles"},
        {"type": "request", "id": "q4", "method": "drone", "params": {"runId": 7}},
        {"type": "configure", "throttleMs": -1},
        {"completely": ["unrelated"]},
    ]:
        error = request(k, comm_id, bad)
        assert error["type"] == "error" and error["code"] == "invalid_message", error
        assert error["message"].startswith("comm message rejected")
    assert request(k, comm_id, {"type": "request", "id": "q5", "method": "snapshot"})["ok"] is True
    assert k.execute("'kernel fine'").result == "'kernel fine'"


def test_an_open_with_an_unsupported_version_is_refused(library_kernel: Kernel):
    comm_id, first = open_beemind(library_kernel, {"protocol": "beemind", "version": 99})
    assert first["type"] == "error" and first["code"] == "invalid_open"
    assert next_messages(library_kernel, comm_id, 1)[0]["_msg_type"] == "comm_close"


def test_evolve_streams_live_events_and_shows_a_progress_bar(library_kernel: Kernel):
    k = library_kernel
    comm_id, _ = open_beemind(k)
    run = k.execute(
        "const small = await evolve(iris, { target: 'species', budget: { evaluations: 8 }, populationSize: 4,"
        " validation: { folds: 3 }, workers: 0, importance: false }, { signal: kernel.signal });\n"
        "[small.id, small.drones.length, small.status]",
        timeout=300,
    )
    assert run.status == "ok", run.reply["content"]
    run_id = run.result.split("'")[1]
    assert run.result.endswith(", 8, 'completed' ]")

    progress = run.of_type("display_data")[0]["content"]
    assert progress["transient"]["display_id"] == f"beemind-run-{run_id}"
    updates = run.of_type("update_display_data")
    assert updates and all(u["content"]["transient"]["display_id"] == f"beemind-run-{run_id}" for u in updates)
    assert "8/8 drones" in updates[-1]["content"]["data"]["text/plain"]

    requeue_comm_messages(k, run)
    batches = next_messages(k, comm_id, until=lambda d: any(e["type"] == "run.finished" and e["runId"] == run_id for e in d.get("events", [])))
    types = [e["type"] for b in batches for e in b.get("events", []) if e["runId"] == run_id]
    assert types[0] == "run.started" and types[-1] == "run.finished"
    assert types.count("drone.evaluated") == 8

    answer = request(k, comm_id, {"type": "request", "id": "imp", "method": "importance", "params": {"runId": run_id, "droneId": "d1"}})
    assert answer["type"] == "response" and answer["id"] == "imp"
    assert answer["ok"] is True or answer["error"]["code"] in ("unsupported", "request_failed")


def test_interrupt_stops_a_running_evolve_and_keeps_its_drones(library_kernel: Kernel):
    k = library_kernel
    comm_id, _ = open_beemind(k)
    msg_id = k.kc.execute(
        "const long = await evolve(iris, { target: 'species', budget: { evaluations: 400 }, populationSize: 8,"
        " validation: { folds: 3 }, workers: 1, importance: false, ensemble: false }, { signal: kernel.signal });\n"
        "[long.status, long.drones.length > 0]"
    )
    # Interrupt once the run has evaluated a few drones.
    next_messages(k, comm_id, timeout=240, until=lambda d: sum(e["type"] == "drone.evaluated" for e in d.get("events", [])) > 0)
    k.km.interrupt_kernel()
    messages = k.backlog_for(msg_id) + k.collect(msg_id, 120)
    reply = k.shell_reply(msg_id)
    assert reply["content"]["status"] == "ok", reply["content"]
    result = [m for m in messages if m["msg_type"] == "execute_result"][0]["content"]["data"]["text/plain"]
    assert result == "[ 'interrupted', true ]"
    assert k.execute("long.drones.length < 400 && long.drones.every((d) => d.id.length > 0)").result == "true"


def test_a_new_kernel_shows_runs_recorded_in_the_store_by_an_earlier_one():
    first = start_kernel()
    try:
        code = EVOLVE_SETUP + (
            "\nconst run = await evolve(iris, { target: 'species', workers: 0, families: ['gaussian_nb'],"
            " budget: { evaluations: 2 }, importance: false });\nrun.id"
        )
        result = first.execute(code)
        assert result.status == "ok"
        run_id = result.result.strip().strip("'\"")
    finally:
        stop_kernel(first)
    second = start_kernel()
    try:
        assert second.execute("import { runSnapshots } from 'beemind';\nrunSnapshots().length").status == "ok"
        _, snapshot = open_beemind(second)
        assert run_id in [r["runId"] for r in snapshot["runs"]]
    finally:
        stop_kernel(second)


# --- when the library loads ------------------------------------------------------------------------------------

# A `beemind` planted in a notebook's folder: it leaves a file behind when imported, and has a run event hub.
PLANTED = """import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../../imported.txt', import.meta.url), 'imported');
const listeners = new Set();
const history = new Map();
export const planted = 'yes';
export function subscribeRunEvents(listener) { listeners.add(listener); return () => listeners.delete(listener); }
export function runSnapshots() { return [...history].map(([runId, events]) => ({ runId, events: events.slice() })); }
export function publishRunEvent(event) {
  if (!history.has(event.runId)) history.set(event.runId, []);
  history.get(event.runId).push(event);
  for (const listener of listeners) listener(event);
}
"""
PLANTED_TYPES = """export declare const planted: string;
export declare function publishRunEvent(event: { type: string; runId: string; [field: string]: unknown }): void;
"""

# A complete run.started event (the kernel's progress bar, like the panels, folds only valid run events).
PLANTED_RUN_STARTED = {
    "type": "run.started",
    "version": 1,
    "runId": "p1",
    "time": "2026-01-01T00:00:00.000Z",
    "name": "planted run",
    "seed": 0,
    "config": {"budget": {"evaluations": 2}},
    "metric": "accuracy",
    "objectives": [{"name": "accuracy", "direction": "maximize"}],
    "dataset": {
        "name": "planted",
        "rows": 10,
        "fingerprint": "f",
        "task": "classification",
        "target": "y",
        "classes": ["a", "b"],
        "features": [],
    },
}


def test_a_beemind_package_in_the_notebook_folder_runs_only_when_a_cell_imports_it(tmp_path: Path):
    package = tmp_path / "node_modules" / "beemind"
    package.mkdir(parents=True)
    exports = {".": {"types": "./index.d.ts", "default": "./index.js"}}
    (package / "package.json").write_text(json.dumps({"name": "beemind", "version": "9.9.9", "type": "module", "exports": exports}))
    (package / "index.js").write_text(PLANTED)
    (package / "index.d.ts").write_text(PLANTED_TYPES)
    marker = tmp_path / "imported.txt"
    k = start_kernel(cwd=tmp_path)
    try:
        # the panels open the comm as soon as the notebook is open: that loads nothing from the folder
        comm_id, snapshot = open_beemind(k)
        assert snapshot["library"]["available"] is False
        assert "when a cell imports" in snapshot["library"]["reason"]
        assert k.execute("1 + 1").result == "2"
        assert not marker.exists()

        run = k.execute(
            "import { planted, publishRunEvent } from 'beemind';\n"
            f"publishRunEvent({json.dumps(PLANTED_RUN_STARTED)});\n"
            "planted"
        )
        assert run.status == "ok", run.reply["content"]
        assert run.result == "'yes'" and marker.exists()
        # the progress display follows the library that this very cell loaded
        progress = run.of_type("display_data")
        assert [p["content"]["transient"]["display_id"] for p in progress] == ["beemind-run-p1"]
        # the open comm is told: a snapshot of the loaded library, then its events
        requeue_comm_messages(k, run)
        found = next_messages(k, comm_id, until=lambda d: any(e["runId"] == "p1" for e in d.get("events", [])))
        assert found[0]["type"] == "snapshot" and found[0]["library"] == {"available": True}
    finally:
        stop_kernel(k)


def test_the_panels_load_the_library_installed_with_the_kernel_at_once():
    with tempfile.TemporaryDirectory(prefix="beemind-notebook-") as tmp:
        assert not any((p / "node_modules").exists() for p in [Path(tmp), *Path(tmp).parents])
        k = start_kernel(cwd=Path(tmp))
        try:
            _, snapshot = open_beemind(k)
            assert snapshot["library"] == {"available": True}
        finally:
            stop_kernel(k)


def test_evolve_shows_its_progress_bar_when_its_own_cell_first_loads_the_library():
    k = start_kernel()
    try:
        run = k.execute(
            EVOLVE_SETUP + "\nconst first = await evolve(iris, { target: 'species', budget: { evaluations: 4 }, populationSize: 4,"
            " validation: { folds: 3 }, workers: 0, importance: false });\nfirst.id",
            timeout=300,
        )
        assert run.status == "ok", run.reply["content"]
        run_id = run.result.strip("'")
        assert run.of_type("display_data")[0]["content"]["transient"]["display_id"] == f"beemind-run-{run_id}"
        assert "4/4 drones" in run.of_type("update_display_data")[-1]["content"]["data"]["text/plain"]
    finally:
        stop_kernel(k)

