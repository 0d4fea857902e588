"""Protocol tests of the BeeMind kernel with jupyter_client: message order, execution semantics, streams,
robustness, interrupts, comms with binary buffers, and signatures."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import time
import uuid
from datetime import datetime

import pytest
import zmq
from jupyter_client.session import Session

from kernel_harness import TIMEOUT, Kernel, start_kernel, stop_kernel


def test_kernel_info_reply_has_every_field(kernel: Kernel):
    msg_id = kernel.kc.kernel_info()
    content = kernel.shell_reply(msg_id)["content"]
    assert content["status"] == "ok"
    assert content["protocol_version"] == "5.3"
    assert content["implementation"] == "beemind"
    assert content["debugger"] is False
    assert content["banner"] and content["implementation_version"]
    assert all({"text", "url"} <= set(link) for link in content["help_links"])
    info = content["language_info"]
    assert info["name"] == "typescript" and info["file_extension"] == ".ts"
    assert {"version", "mimetype", "pygments_lexer", "codemirror_mode", "nbconvert_exporter"} <= set(info)


def test_messages_are_ordered_busy_input_outputs_reply_idle(kernel: Kernel):
    run = kernel.execute('console.log("out"); display(1); 2')
    types = [m["msg_type"] for m in run.messages]
    assert types == ["status", "execute_input", "stream", "display_data", "execute_result", "status"]
    assert run.messages[0]["content"]["execution_state"] == "busy"
    count = run.reply["content"]["execution_count"]
    assert run.messages[1]["content"]["execution_count"] == count
    assert run.of_type("execute_result")[0]["content"]["execution_count"] == count
    # The reply is sent before the idle status.
    assert run.reply["header"]["date"] <= run.messages[-1]["header"]["date"]


def test_types_persist_across_cells_and_type_errors_name_the_cell_line(kernel: Kernel):
    assert kernel.execute("interface Bee { name: string; honey: number }\nconst hive: Bee[] = [];").status == "ok"
    assert kernel.execute('hive.push({ name: "Maya", honey: 3 });\nhive.length').result == "1"
    bad = kernel.execute('const ok = 1;\nhive.push({ name: "Willy", honey: "lots" });')
    assert bad.status == "error"
    error = bad.of_type("error")[0]["content"]
    assert error["ename"] == "TypeScriptError"
    assert "line 2" in error["evalue"]
    assert any("line 2, column" in line for line in error["traceback"])
    assert kernel.execute("hive.length").result == "1"


def test_runtime_errors_have_name_value_and_a_cell_traceback(kernel: Kernel):
    run = kernel.execute("function inner() { throw new RangeError('too far'); }\nfunction outer() { inner(); }\nouter();")
    assert run.status == "error"
    content = run.reply["content"]
    assert (content["ename"], content["evalue"]) == ("RangeError", "too far")
    tb = "\n".join(content["traceback"])
    assert "inner" in tb and "outer" in tb and ":1:" in tb and ":2:" in tb
    assert "kernel/dist" not in tb


def test_silent_and_store_history_do_not_count(kernel: Kernel):
    before = kernel.execute("1").reply["content"]["execution_count"]
    silent = kernel.execute('console.log("hidden"); 5', silent=True)
    assert silent.status == "ok"
    assert [m["msg_type"] for m in silent.messages] == ["status", "status"]
    unstored = kernel.execute("7", store_history=False)
    assert unstored.result == "7"
    after = kernel.execute("1").reply["content"]["execution_count"]
    assert after == before + 1


def test_user_expressions_are_evaluated(kernel: Kernel):
    run = kernel.execute("const ue = 20;", user_expressions={"double": "ue * 2", "broken": "nope +"})
    expressions = run.reply["content"]["user_expressions"]
    assert expressions["double"]["status"] == "ok"
    assert expressions["double"]["data"]["text/plain"] == "40"
    assert expressions["broken"]["status"] == "error"


def test_twenty_thousand_lines_arrive_whole_and_in_order(kernel: Kernel):
    run = kernel.execute("for (let i = 0; i < 20000; i++) console.log(i);\n'done'")
    assert run.status == "ok"
    assert run.stdout.splitlines() == [str(i) for i in range(20000)]
    assert run.result == "'done'"
    assert len(run.of_type("stream")) < 100


def test_stdout_and_stderr_keep_their_order(kernel: Kernel):
    run = kernel.execute('console.log("a"); console.error("b"); process.stdout.write("c\\n"); console.warn("d")')
    streams = [(m["content"]["name"], m["content"]["text"]) for m in run.of_type("stream")]
    assert streams == [("stdout", "a\n"), ("stderr", "b\n"), ("stdout", "c\n"), ("stderr", "d\n")]


def test_exceptions_in_timers_and_unhandled_rejections_do_not_kill_the_kernel(kernel: Kernel):
    run = kernel.execute(
        "setTimeout(() => { throw new Error('timer exploded'); }, 0);\n"
        "Promise.reject(new Error('nobody caught me'));\n"
        "queueMicrotask(() => { throw new Error('microtask exploded'); });\n"
        "await new Promise((r) => setTimeout(r, 100));\n'survived'"
    )
    assert run.status == "ok"
    assert run.result == "'survived'"
    assert "timer exploded" in run.stderr
    assert "nobody caught me" in run.stderr
    assert "microtask exploded" in run.stderr
    assert kernel.execute("40 + 2").result == "42"


def test_a_cell_that_exits_the_executor_is_reported_and_the_kernel_recovers(kernel: Kernel):
    kernel.execute("const survivor = 1;")
    run = kernel.execute("process.exit(3)")
    assert run.status == "error"
    assert "exit code 3" in run.reply["content"]["evalue"]
    assert kernel.execute("1 + 1", timeout=120).result == "2"


def test_interrupt_stops_a_busy_loop_and_keeps_the_session(kernel: Kernel):
    kernel.execute("const kept = 'still here';")
    start = time.monotonic()
    run = kernel.execute("while (true) {}", interrupt_after=1.0)
    assert run.status == "error"
    assert run.reply["content"]["ename"] == "Interrupted"
    assert time.monotonic() - start < 30
    assert kernel.execute("kept").result == "'still here'"


@pytest.mark.parametrize(
    "code",
    [
        "await new Promise(() => {})",
        "while (true) { await null; }",
        "for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 10));\nwhile (true) {}",
    ],
    ids=["pending-promise", "microtask-loop", "loop-after-await"],
)
def test_interrupt_stops_async_cells(kernel: Kernel, code: str):
    run = kernel.execute(code, interrupt_after=1.0)
    assert run.reply["content"]["ename"] == "Interrupted"
    assert kernel.execute("'alive'").result == "'alive'"


def test_interrupt_stops_a_busy_loop_in_a_timer_after_its_cell_ended(kernel: Kernel):
    assert kernel.execute("setTimeout(() => { while (true) {} }, 300);\n'scheduled'").result == "'scheduled'"
    time.sleep(1.5)
    kernel.km.interrupt_kernel()
    assert kernel.execute("'free again'").result == "'free again'"


def test_an_interrupt_during_startup_leaves_a_usable_kernel():
    k = start_kernel()
    try:
        run = k.execute("const early = 1;\nearly", interrupt_after=0.05)
        assert run.status == "ok" or run.reply["content"]["ename"] == "Interrupted"
        assert k.execute("[1, 2, 3].length").result == "3"
    finally:
        stop_kernel(k)


def test_interrupt_aborts_the_cell_signal(kernel: Kernel):
    code = (
        "const stopped = await new Promise<string>((resolve) =>"
        " kernel.signal.addEventListener('abort', () => resolve('aborted cleanly')));\nstopped"
    )
    run = kernel.execute(code, interrupt_after=1.0)
    assert run.status == "ok"
    assert run.result == "'aborted cleanly'"


def test_update_display_data_through_the_display_id(kernel: Kernel):
    run = kernel.execute("const bar = display('step 1');\nbar.update('step 2');\nbar.update(display.html('<b>done</b>'));")
    first = run.of_type("display_data")[0]["content"]
    updates = [m["content"] for m in run.of_type("update_display_data")]
    display_id = first["transient"]["display_id"]
    assert first["data"]["text/plain"] == "'step 1'"
    assert [u["transient"]["display_id"] for u in updates] == [display_id, display_id]
    assert updates[1]["data"]["text/html"] == "<b>done</b>"
    assert run.result is None


def test_esm_only_packages_import_statically_and_dynamically(kernel: Kernel):
    run = kernel.execute(
        "import * as aq from 'arquero';\n"
        "import { compile } from 'vega-lite';\n"
        "const vl = await import('vega-lite');\n"
        "const t = aq.table({ name: ['<b>bee</b>', 'wasp'], honey: [3, 0] });\n"
        "const spec = compile({ mark: 'bar', data: { values: t.objects() }, encoding: { x: { field: 'name', type: 'nominal' } } });\n"
        "[typeof vl.compile, typeof spec.spec, t.numRows()]"
    )
    assert run.status == "ok", run.reply["content"]
    assert run.result == "[ 'function', 'object', 2 ]"
    table = kernel.execute("t").of_type("execute_result")[0]["content"]["data"]
    assert "&lt;b&gt;bee&lt;/b&gt;" in table["text/html"] and "<b>bee</b>" not in table["text/html"]


def test_completion_sees_earlier_cells_and_inspect_shows_types(kernel: Kernel):
    kernel.execute("const honeycombCount: number = 6;")
    msg_id = kernel.kc.complete("honeyc", 6)
    assert "honeycombCount" in kernel.shell_reply(msg_id)["content"]["matches"]
    msg_id = kernel.kc.inspect("honeycombCount", 5)
    reply = kernel.shell_reply(msg_id)["content"]
    assert reply["found"] and "honeycombCount: number" in reply["data"]["text/plain"]


# --- comms -------------------------------------------------------------------------------------------------


def comm_messages(kernel: Kernel, comm_id: str, count: int, timeout: float = 60) -> list[dict]:
    """The next `count` comm_msg/comm_close messages of a comm."""
    found: list[dict] = []
    kernel.iopub_until(
        lambda m: m["msg_type"] in ("comm_msg", "comm_close")
        and m["content"].get("comm_id") == comm_id
        and (found.append(m) or len(found) >= count),
        timeout,
    )
    return found


def test_comm_open_msg_info_and_close_with_binary_buffers(kernel: Kernel):
    assert kernel.execute(
        "kernel.comms.registerTarget('echo', (comm, open) => {\n"
        "  comm.send({ opened: open.data });\n"
        "  comm.onMsg((m) => comm.send({ echo: m.data }, {}, m.buffers.map((b) => Uint8Array.from(b).reverse())));\n"
        "  comm.onClose(() => console.log('echo closed'));\n"
        "});"
    ).status == "ok"
    comm_id = uuid.uuid4().hex
    kernel.drain()
    kernel.send_shell("comm_open", {"comm_id": comm_id, "target_name": "echo", "data": {"hello": 1}})
    assert comm_messages(kernel, comm_id, 1)[0]["content"]["data"] == {"opened": {"hello": 1}}

    kernel.send_shell("comm_msg", {"comm_id": comm_id, "data": {"x": [1, 2]}}, buffers=[b"\x01\x02\x03", b"bee"])
    reply = comm_messages(kernel, comm_id, 1)[0]
    assert reply["content"]["data"] == {"echo": {"x": [1, 2]}}
    assert [bytes(b) for b in reply["buffers"]] == [b"\x03\x02\x01", b"eeb"]

    msg_id = kernel.kc.comm_info(target_name="echo")
    assert kernel.shell_reply(msg_id)["content"]["comms"] == {comm_id: {"target_name": "echo"}}
    msg_id = kernel.kc.comm_info(target_name="nothing")
    assert kernel.shell_reply(msg_id)["content"]["comms"] == {}

    kernel.send_shell("comm_close", {"comm_id": comm_id, "data": {}})
    kernel.iopub_until(lambda m: m["msg_type"] == "stream" and "echo closed" in m["content"]["text"])
    msg_id = kernel.kc.comm_info()
    assert comm_id not in kernel.shell_reply(msg_id)["content"]["comms"]


def test_comm_open_to_an_unknown_target_is_answered_with_comm_close(kernel: Kernel):
    comm_id = uuid.uuid4().hex
    kernel.send_shell("comm_open", {"comm_id": comm_id, "target_name": "no-such-target", "data": {}})
    closed = comm_messages(kernel, comm_id, 1)[0]
    assert closed["msg_type"] == "comm_close"


def test_cell_code_opens_comms_to_the_frontend(kernel: Kernel):
    run = kernel.execute("const c = kernel.comms.open('frontend.widget', { value: 3 });\nc.send({ value: 4 });\nc.id")
    opened = run.of_type("comm_open")[0]["content"]
    assert opened["target_name"] == "frontend.widget" and opened["data"] == {"value": 3}
    assert run.of_type("comm_msg")[0]["content"] == {"comm_id": opened["comm_id"], "data": {"value": 4}}
    assert run.result == repr(opened["comm_id"])


def test_a_throwing_comm_handler_is_reported_not_fatal(kernel: Kernel):
    kernel.execute("kernel.comms.registerTarget('fragile', (comm) => comm.onMsg(() => { throw new Error('handler bug'); }));")
    comm_id = uuid.uuid4().hex
    kernel.send_shell("comm_open", {"comm_id": comm_id, "target_name": "fragile", "data": {}})
    kernel.send_shell("comm_msg", {"comm_id": comm_id, "data": {}})
    kernel.iopub_until(lambda m: m["msg_type"] == "stream" and "handler bug" in m["content"]["text"])
    assert kernel.execute("'fine'").result == "'fine'"


def test_comm_replies_after_an_await_have_the_comm_msg_as_parent(kernel: Kernel):
    assert kernel.execute(
        "kernel.comms.registerTarget('later', (comm) => comm.onMsg(async (m) => {\n"
        "  comm.send({ step: 'before' });\n"
        "  await new Promise((r) => setTimeout(r, 50));\n"
        "  console.log('after the await');\n"
        "  comm.send({ step: 'after', echo: m.data });\n"
        "}));"
    ).status == "ok"
    comm_id = uuid.uuid4().hex
    kernel.collect(kernel.send_shell("comm_open", {"comm_id": comm_id, "target_name": "later", "data": {}}), TIMEOUT)
    msg_id = kernel.send_shell("comm_msg", {"comm_id": comm_id, "data": {"n": 1}})
    messages = kernel.collect(msg_id, TIMEOUT)
    comm_data = [m["content"]["data"] for m in messages if m["msg_type"] == "comm_msg"]
    assert comm_data == [{"step": "before"}, {"step": "after", "echo": {"n": 1}}]
    assert "after the await" in "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    kernel.send_shell("comm_close", {"comm_id": comm_id, "data": {}})


def test_a_comm_payload_that_is_not_json_is_dropped_not_fatal(kernel: Kernel):
    run = kernel.execute("const loop: any = { n: 1 };\nloop.self = loop;\nkernel.comms.open('cyclic', loop);\n'after'")
    assert run.status == "ok", run.reply["content"]
    assert run.result == "'after'"
    assert kernel.execute("'still alive'").result == "'still alive'"


def test_a_history_search_with_a_malformed_pattern_is_answered(kernel: Kernel):
    for pattern in ["[z-a]", "[", "[]]", "*[!]*"]:
        msg_id = kernel.kc.history(hist_access_type="search", pattern=pattern)
        reply = kernel.shell_reply(msg_id, timeout=10)
        assert reply["msg_type"] == "history_reply"
        assert reply["content"]["status"] in ("ok", "error")


# --- hostile peers ---------------------------------------------------------------------------------------------


def raw_socket(kernel: Kernel, channel: str = "shell") -> zmq.Socket:
    info = kernel.km.get_connection_info()
    socket = zmq.Context.instance().socket(zmq.DEALER)
    socket.linger = 0
    socket.connect(f"{info['transport']}://{info['ip']}:{info[f'{channel}_port']}")
    return socket


def signing_session(kernel: Kernel) -> Session:
    info = kernel.km.get_connection_info()
    key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
    return Session(key=key, signature_scheme=info["signature_scheme"])


def replies_to(socket: zmq.Socket, session: Session, msg_id: str, seconds: float, until: str | None = None) -> list[dict]:
    """The replies on a raw socket to one request, read for at most `seconds`: up to the first reply to
    `msg_id`, or, with `until`, up to the reply to that later request (every reply to `msg_id` before it)."""
    found = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if not socket.poll(int(left * 1000)):
            break
        _, frames = session.feed_identities(socket.recv_multipart())
        reply = session.deserialize(frames)
        parent = reply["parent_header"].get("msg_id")
        if parent == msg_id:
            found.append(reply)
            if until is None:
                break
        elif until is not None and parent == until:
            break
    return found


def wait_for_line(path, text: str, seconds: float) -> None:
    """Waits until the file at `path` holds `text` (a log line of the kernel), for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while text not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)


def send_and_wait_for_disconnect(socket: zmq.Socket, frames: list[bytes], seconds: float) -> None:
    """Sends `frames`, then waits until the peer disconnects `socket` (as ZeroMQ does on an oversized frame),
    for at most `seconds`."""
    monitor = socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
    try:
        socket.send_multipart(frames)
        monitor.poll(int(seconds * 1000))
    finally:
        socket.disable_monitor()
        monitor.close()


def test_garbage_frames_never_stop_the_receive_loop(kernel: Kernel):
    session = signing_session(kernel)
    rng = random.Random(42)

    def signed(parts: list[bytes]) -> list[bytes]:
        return [b"<IDS|MSG>", session.sign(parts), *parts]

    garbage = [
        [b""],
        [b"no delimiter at all"],
        [b"<IDS|MSG>"],
        [b"<IDS|MSG>", b"", b"", b"", b"", b""],
        [b"<IDS|MSG>", b"0" * 64, b"{", b"}", b"[", b"]"],
        [bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200))) for _ in range(8)],
        [b"<IDS|MSG>", b"\xff" * 64, b"\xff\xfe", b"\x00", b"", b"\x80"],
        [b"id", b"<IDS|MSG>", b"<IDS|MSG>", b"sig", b"{}", b"{}", b"{}", b"{}"],
        signed([b"not json", b"{}", b"{}", b"{}"]),
        signed([b"[]", b"{}", b"{}", b"{}"]),
        signed([b'{"msg_type": 5, "msg_id": []}', b"{}", b"{}", b"{}"]),
        signed([b'{"msg_id": "g1", "msg_type": "comm_msg"}', b"null", b"[]", b'"not an object"']),
        signed([b'{"msg_id": "g2", "msg_type": "history_request"}', b"{}", b"{}", b'{"hist_access_type": "search", "pattern": "[z-a]"}']),
    ]
    shell = raw_socket(kernel)
    control = raw_socket(kernel, "control")
    try:
        for frames in garbage:
            shell.send_multipart(frames)
            control.send_multipart(frames)
        request = session.msg("kernel_info_request", {})
        session.send(shell, request)
        assert replies_to(shell, session, request["header"]["msg_id"], TIMEOUT)[0]["msg_type"] == "kernel_info_reply"
        request = session.msg("kernel_info_request", {})
        session.send(control, request)
        assert replies_to(control, session, request["header"]["msg_id"], TIMEOUT)[0]["msg_type"] == "kernel_info_reply"
    finally:
        shell.close()
        control.close()
    assert kernel.shell_reply(kernel.kc.kernel_info())["content"]["status"] == "ok"
    assert kernel.execute("'still serving'").result == "'still serving'"


def test_replayed_and_oversized_messages_are_dropped_with_a_log_line(tmp_path):
    log = open(tmp_path / "kernel-stderr.log", "w")
    k = start_kernel(stderr=log, env={**os.environ, "BEEMIND_KERNEL_MAX_MESSAGE_BYTES": str(64 * 1024)})
    sockets = []
    try:
        session = signing_session(k)
        shell = raw_socket(k)
        sockets.append(shell)
        # a signed message sent twice is served once: the second copy is a replay
        request = session.msg("kernel_info_request", {})
        frames = session.serialize(request)
        shell.send_multipart(frames)
        shell.send_multipart(frames)
        # a later request on the same socket: its reply comes after any reply to the two copies (the shell
        # socket serves and answers kernel_info in the order received), so every reply to them is read by then
        after = session.msg("kernel_info_request", {})
        session.send(shell, after)
        assert len(replies_to(shell, session, request["header"]["msg_id"], TIMEOUT, until=after["header"]["msg_id"])) == 1

        # a frame over the limit is never read (ZeroMQ disconnects the peer): no log line, no hashing
        big = raw_socket(k)
        sockets.append(big)
        send_and_wait_for_disconnect(big, [b"<IDS|MSG>", b"0" * 64, b"{}", b"{}", b"{}", b"x" * (200 * 1024)], 1.0)
        # a small forged message is read and dropped as usual
        small = raw_socket(k)
        sockets.append(small)
        small.send_multipart([b"<IDS|MSG>", b"0" * 64, b"{}", b"{}", b"{}", b"{}"])
        wait_for_line(tmp_path / "kernel-stderr.log", "bad signature", TIMEOUT)

        # the kernel still serves, a large message under the limit included
        request = session.msg("kernel_info_request", {"pad": "x" * (32 * 1024)})
        session.send(shell, request)
        assert replies_to(shell, session, request["header"]["msg_id"], TIMEOUT)[0]["msg_type"] == "kernel_info_reply"
    finally:
        for s in sockets:
            s.close()
        stop_kernel(k)
        log.close()
    reasons = []
    for line in (tmp_path / "kernel-stderr.log").read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("msg") == "dropped an invalid message":
            reasons.append(entry.get("reason"))
    assert reasons == ["replayed signature", "bad signature"]


# --- signatures ----------------------------------------------------------------------------------------------


def test_messages_with_bad_signatures_are_dropped_logged_and_never_echoed(tmp_path):
    log = open(tmp_path / "kernel-stderr.log", "w")
    k = start_kernel(stderr=log)
    try:
        info = k.km.get_connection_info()
        key = info["key"]
        key = key.encode() if isinstance(key, str) else key
        context = zmq.Context.instance()
        shell = context.socket(zmq.DEALER)
        shell.linger = 0
        shell.connect(f"{info['transport']}://{info['ip']}:{info['shell_port']}")
        k.drain(1.0)

        def frames(signing_key: bytes | None, forged_signature: bytes | None = None):
            header = json.dumps({"msg_id": uuid.uuid4().hex, "session": "attacker", "username": "x", "date": datetime.now().isoformat(),
                                 "msg_type": "execute_request", "version": "5.3"}).encode()
            parts = [header, b"{}", b"{}", json.dumps({"code": "console.log('pwned')", "silent": False}).encode()]
            mac = hmac.new(signing_key, digestmod=hashlib.sha256) if signing_key else None
            for p in parts:
                mac and mac.update(p)
            signature = forged_signature if forged_signature is not None else mac.hexdigest().encode()
            expected = hmac.new(key, digestmod=hashlib.sha256)
            for p in parts:
                expected.update(p)
            return [b"<IDS|MSG>", signature, *parts], expected.hexdigest()

        forged = [frames(b"wrong key"), frames(None, b""), frames(None, b"0" * 64)]
        for message, _ in forged:
            shell.send_multipart(message)
        time.sleep(2.0)
        assert shell.poll(500) == 0, "the kernel answered a forged message"
        leaked = k.drain(1.0)
        assert all("pwned" not in json.dumps(m["content"]) for m in leaked)

        # The kernel still serves properly signed requests.
        assert k.execute("'signed'").result == "'signed'"
        shell.close()
    finally:
        stop_kernel(k)
        log.close()
    stderr = (tmp_path / "kernel-stderr.log").read_text()
    assert stderr.count("dropped an invalid message") == 3
    assert "bad signature" in stderr
    for _, expected in forged:
        assert expected not in stderr
    assert all(expected not in json.dumps(m) for m in leaked for _, expected in forged)


def test_restart_gives_a_fresh_session():
    k = start_kernel()
    try:
        k.execute("const beforeRestart = 1;")
        k.km.restart_kernel(now=False)
        k.kc.wait_for_ready(timeout=120)
        k.warm = False
        run = k.execute("typeof (globalThis as any).beforeRestart")
        assert run.result == "'undefined'"
    finally:
        stop_kernel(k)
