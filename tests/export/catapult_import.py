#!/usr/bin/env python3
"""Our Chrome Trace Event JSON, checked by a real consumer, offline.

Debian's golang-1.19-src ships the Chrome/catapult trace viewer
(cmd/trace/static/trace_viewer_full.html and webcomponents.min.js). Headless
chromium loads it from a loopback HTTP server, and one page load imports each
exported file into its own model with catapult's TraceEventImporter. Every
file must import with zero warnings (model.importWarnings), and the model must
hold what the JSON says, counted here independently with the json module:

  processes  distinct pids with a process_name M event   model.getAllProcesses()
  slices     X events, and instants (i, I, R) of thread   sum of thread.sliceGroup.length
             scope ("s" "t" or none): catapult makes both
             slices of the thread's sliceGroup
  flows      X events with flow_out and a bind_id: each   model.flowEvents (one per
             must meet its flow_in                        producer that met its consumer)
  counters   distinct (pid, cat, name[id]) of C events    model.getAllCounters()

plus process- and global-scoped instants (s "p" / "g"), which catapult keeps
apart in process.instantEvents and model.instantEvents. A file with no slice or
no counter fails, as does a channel trace without a flow and a file with fewer
processes than its trace has workers, so an empty export cannot pass.

Usage:
  catapult_import.py RACETRACE_BINARY WORKDIR   record traces, export, check them
  catapult_import.py --json-files FILE.json...  check JSON files as they are

Exit status: 0 all good, 1 a problem (one sentence each), 77 skipped (chromium
or golang-1.19-src missing).
"""

import argparse
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

STATIC_DIR = Path("/usr/share/go-1.19/src/cmd/trace/static")
STATIC_FILES = ("trace_viewer_full.html", "webcomponents.min.js")
CHROMIUM_TIMEOUT_S = 120
SKIP = 77

# (scenario, is a channel scenario): mutual exclusion with races and torn
# records, a clean lock, kernel lock waits, a torn shared-memory handoff, and
# pipes and message queues, blocking and not (flows, fill counters, blocked waits).
SCENARIOS = (
    ("naive-flag", False),
    ("tas-mutex", False),
    ("pthread-mutex", False),
    ("shm-handoff", False),
    ("pipe", True),
    ("pipe-many-writers", True),
    ("mq-blocking", True),
    ("mq-nonblocking", True),
)
ITERATIONS = 300

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script src="static/webcomponents.min.js"></script>
<link rel="import" href="static/trace_viewer_full.html">
</head><body><script>
'use strict';
function post(body, where = '/result') {
  return fetch(where, {method: 'POST', body: JSON.stringify(body)});
}
// Told only when no result comes: an error elsewhere on the page may be harmless.
window.addEventListener('error', (e) => {
  post({error: e.message + ' at ' + e.filename + ':' + e.lineno}, '/page-error');
});
function count(model) {
  let slices = 0;
  for (const thread of model.getAllThreads()) slices += thread.sliceGroup.length;
  let instants = model.instantEvents.length;
  const processes = model.getAllProcesses();
  for (const process of processes) instants += process.instantEvents.length;
  return {
    warnings: model.importWarnings.map((w) => ({type: w.type, message: w.message})),
    processes: processes.length,
    pids: processes.map((p) => p.pid),
    slices: slices,
    flows: model.flowEvents.length,
    counters: model.getAllCounters().length,
    instants: instants,
  };
}
async function run() {
  const names = await (await fetch('/list')).json();
  const results = {};
  for (let i = 0; i < names.length; ++i) {
    const text = await (await fetch('/trace/' + i)).text();
    const began = performance.now();
    try {
      const model = new tr.Model();
      new tr.importer.Import(model, new tr.importer.ImportOptions()).importTraces([text]);
      results[names[i]] = count(model);
    } catch (e) {
      results[names[i]] = {exception: String(e && e.stack ? e.stack : e)};
    }
    results[names[i]].ms = Math.round(performance.now() - began);
  }
  await post({results: results});
}
document.addEventListener('WebComponentsReady', () => {
  run().catch((e) => post({error: 'page failed: ' + String(e && e.stack ? e.stack : e)}));
});
</script></body></html>
"""


def fail(message):
    print(message)
    sys.exit(1)


def skip_reason():
    if shutil.which("chromium") is None:
        return "skipped: chromium is not installed (apt-get install chromium)"
    for name in STATIC_FILES:
        if not (STATIC_DIR / name).is_file():
            return f"skipped: catapult's trace viewer is not installed, {STATIC_DIR / name} is missing (apt-get install golang-1.19-src)"
    return None


# ---------------------------------------------------------------------------
# Making the traces


def run_tool(args, what):
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        fail(f"{what} did not finish within 120 s: {' '.join(map(str, args))}")
    if done.returncode != 0:
        fail(f"{what} failed with exit status {done.returncode}: {' '.join(map(str, args))}\n"
             f"{done.stdout}{done.stderr}".rstrip())
    return done.stdout


def make_exports(binary, workdir):
    """Records and exports each scenario: [(json path, is channel, workers info)]."""
    workdir.mkdir(parents=True, exist_ok=True)
    listed = run_tool([binary, "scenarios"], "racetrace scenarios")
    known = {line.split()[0] for line in listed.splitlines() if line.strip()}
    missing = [name for name, _ in SCENARIOS if name not in known]
    if missing:
        fail(f"racetrace scenarios no longer lists {', '.join(missing)}: update SCENARIOS in {Path(__file__).name}")
    exports = []
    for name, channel in SCENARIOS:
        trace = workdir / f"{name}.rtrace"
        out = workdir / f"{name}.json"
        for stale in (trace, out):
            stale.unlink(missing_ok=True)
        run_tool([binary, "run", "-s", name, "-n", str(ITERATIONS), "-o", trace], f"racetrace run -s {name}")
        info = json.loads(run_tool([binary, "info", trace, "--json"], f"racetrace info {trace.name}"))
        run_tool([binary, "export", trace, "--format", "chrome", "--out", out], f"racetrace export {trace.name}")
        if not out.is_file():
            fail(f"racetrace export {trace.name} --format chrome --out {out} wrote no file")
        workers = [(w.get("name", "?"), w.get("pid", 0)) for w in info.get("worker_details", [])]
        exports.append((out, channel, int(info["workers"]), workers))
    return exports


# ---------------------------------------------------------------------------
# What the JSON says, counted without catapult


def expected_counts(path):
    """Counts as catapult's TraceEventImporter files them, plus problems it
    would pass over silently."""
    problems = []
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [f"{path.name} is not JSON: {error}"]
    events = document.get("traceEvents") if isinstance(document, dict) else document
    if not isinstance(events, list):
        return None, [f"{path.name} has no traceEvents array"]
    named = {}
    slices = instants = producers = consumers = false_ids = 0
    counters = set()
    for event in events:
        phase = event.get("ph")
        name = event.get("name")
        if phase == "M":
            if name == "process_name":
                named[event.get("pid")] = (event.get("args") or {}).get("name")
        elif phase == "X":
            if "trace_event_overhead" not in (event.get("cat") or ""):
                slices += 1
                if "bind_id" in event:
                    if not event["bind_id"]:
                        false_ids += 1
                    if event.get("flow_out") and not event.get("flow_in"):
                        producers += 1
                    elif event.get("flow_in") and not event.get("flow_out"):
                        consumers += 1
        elif phase == "B":
            slices += 1
        elif phase in ("i", "I", "R"):
            if name in ("JitCodeAdded", "JitCodeMoved"):
                continue
            if event.get("s") in (None, "t"):
                slices += 1
            else:
                instants += 1
        elif phase == "C":
            if event.get("args"):
                label = name if event.get("id") is None else f"{name}[{event['id']}]"
                counters.add((event.get("pid"), event.get("cat"), label))
    if false_ids:
        problems.append(f"{path.name}: {false_ids:,} slices have bind_id 0 (or another false value), which catapult "
                        "takes for no flow at all: it tests `if (event.bind_id)`")
    if producers != consumers:
        problems.append(f"{path.name}: {producers:,} flows start (flow_out) but {consumers:,} end (flow_in)")
    return {
        "processes": len(named),
        "pids": set(named),
        "process_names": set(named.values()),
        "slices": slices,
        "flows": producers,
        "counters": len(counters),
        "instants": instants,
    }, problems


# ---------------------------------------------------------------------------
# What catapult makes of it: one headless chromium page load for all files


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, files):
        super().__init__(("127.0.0.1", 0), Handler)
        self.files = files
        self.result = None
        self.page_errors = []
        self.got_result = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, body, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        files = self.server.files
        if path in ("/", "/index.html"):
            self.reply(PAGE.encode(), "text/html; charset=utf-8")
        elif path.startswith("/static/") and path[len("/static/"):] in STATIC_FILES:
            name = path[len("/static/"):]
            kind = "text/html" if name.endswith(".html") else "application/javascript"
            self.reply((STATIC_DIR / name).read_bytes(), kind + "; charset=utf-8")
        elif path == "/list":
            self.reply(json.dumps([f.name for f in files]).encode(), "application/json")
        elif re.fullmatch(r"/trace/\d+", path) and int(path[len("/trace/"):]) < len(files):
            self.reply(files[int(path[len("/trace/"):])].read_bytes(), "application/json")
        else:
            self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        self.reply(b"{}", "application/json")
        if self.path == "/page-error":
            self.server.page_errors.append(body.decode("utf-8", "replace"))
        elif self.path == "/result" and not self.server.got_result.is_set():
            try:
                self.server.result = json.loads(body)
            except json.JSONDecodeError as error:
                self.server.result = {"error": f"the page posted no JSON: {error}"}
            self.server.got_result.set()


def import_in_chromium(files):
    """{file name: catapult's counts}, and chromium's stderr for a failure."""
    server = Server(files)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    profile = tempfile.mkdtemp(prefix="racetrace-chromium-")
    log = tempfile.TemporaryFile(mode="w+")
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", "--no-default-browser-check", "--disable-extensions",
               f"--user-data-dir={profile}", url]
    browser = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    try:
        deadline = time.monotonic() + CHROMIUM_TIMEOUT_S
        while not server.got_result.wait(0.2):
            if browser.poll() is not None:
                break
            if time.monotonic() > deadline:
                break
    finally:
        try:
            os.killpg(browser.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        browser.wait()
        server.shutdown()
        server.server_close()
        shutil.rmtree(profile, ignore_errors=True)
    log.seek(0)
    stderr = log.read()
    log.close()
    result = server.result
    if result is None:
        if browser.returncode not in (None, -signal.SIGKILL):
            why = f"chromium exited with status {browser.returncode} before the page reported"
        else:
            why = f"the page reported nothing within {CHROMIUM_TIMEOUT_S} s"
        if server.page_errors:
            why += "; errors on the page:\n" + "\n".join(server.page_errors[:10])
        return None, why, stderr
    if "error" in result:
        return None, result["error"], stderr
    return result["results"], None, stderr


# ---------------------------------------------------------------------------


def check(exports):
    """exports: [(path, is channel, workers, [(name, pid)])] -> problem sentences."""
    problems = []
    expected = {}
    for path, _, _, _ in exports:
        counts, found = expected_counts(path)
        problems += found
        if counts is not None:
            expected[path.name] = counts
    names = [e[0].name for e in exports]
    if len(set(names)) != len(names):
        return problems + ["two of the files have the same name: catapult's results could not be told apart"]
    started = time.monotonic()
    results, error, stderr = import_in_chromium([e[0] for e in exports])
    elapsed = time.monotonic() - started
    if results is None:
        problems.append(f"catapult gave no result: {error}")
        if stderr.strip():
            problems.append("chromium's stderr:\n" + stderr.rstrip())
        return problems
    print(f"catapult imported {len(exports)} files in one chromium page load ({elapsed:.1f} s)")
    for path, channel, workers, worker_pids in exports:
        name = path.name
        got = results.get(name)
        want = expected.get(name)
        if got is None:
            problems.append(f"{name}: the page did not report on it")
            continue
        if "exception" in got:
            problems.append(f"{name}: catapult's import threw: {got['exception']}")
            continue
        warnings = got["warnings"]
        line = (f"{name}: {len(warnings)} warnings, {got['processes']:,} processes, {got['slices']:,} slices, "
                f"{got['flows']:,} flows, {got['counters']:,} counters")
        if got["instants"] or (want and want["instants"]):
            line += f", {got['instants']:,} process/global instants"
        print(line + f" ({got['ms']:,} ms)")
        if warnings:
            problems.append(f"{name}: catapult warned {len(warnings)} times" +
                            ("" if len(warnings) <= 10 else ", the first 10:"))
            problems += [f"  [{w['type']}] {w['message']}" for w in warnings[:10]]
            if len(warnings) > 10:
                types = {}
                for w in warnings:
                    types[w["type"]] = types.get(w["type"], 0) + 1
                problems.append("  all of them by type: " + ", ".join(f"{t} {n:,}" for t, n in sorted(types.items())))
        if want is None:
            continue
        for key, noun in (("processes", "processes"), ("slices", "slices"), ("flows", "flows"),
                          ("counters", "counters"), ("instants", "process- or global-scoped instants")):
            if got[key] != want[key]:
                problems.append(f"{name}: catapult's model has {got[key]:,} {noun}, the JSON {want[key]:,}")
        unnamed = sorted({str(p) for p in got["pids"]} - {str(p) for p in want["pids"]})
        if unnamed:
            problems.append(f"{name}: catapult has processes no process_name event names: pid {', '.join(map(str, unnamed[:10]))}")
        if got["slices"] == 0:
            problems.append(f"{name}: catapult found no slice at all")
        if got["counters"] == 0:
            problems.append(f"{name}: catapult found no counter at all")
        if channel and got["flows"] == 0:
            problems.append(f"{name}: a trace of messages, yet catapult found no flow from a send to its receive")
        if got["processes"] < workers:
            problems.append(f"{name}: the trace has {workers} workers but catapult only {got['processes']} processes")
        pids = {str(p) for p in got["pids"]}
        for worker, pid in worker_pids:
            if pid and str(pid) not in pids:
                problems.append(f"{name}: worker {worker}'s pid {pid} is not a process in catapult's model")
    return problems


def main():
    # ctest's TIMEOUT ends us with SIGTERM: unwind, so chromium's process group is killed too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", nargs="?", type=Path, help="the racetrace executable")
    parser.add_argument("workdir", nargs="?", type=Path, help="where the traces and exports go")
    parser.add_argument("--json-files", nargs="+", type=Path, metavar="FILE",
                        help="check these Chrome JSON files instead of making traces (a file is taken for a trace "
                             "of messages when it names a process 'channels')")
    args = parser.parse_args()
    if not args.json_files and (args.binary is None or args.workdir is None):
        parser.error("give RACETRACE_BINARY WORKDIR, or --json-files")
    reason = skip_reason()
    if reason:
        print(reason)
        return SKIP
    if args.json_files:
        exports = []
        for path in args.json_files:
            counts, _ = expected_counts(path)
            exports.append((path, counts is not None and "channels" in counts["process_names"], 0, []))
    else:
        exports = make_exports(args.binary.resolve(), args.workdir.resolve())
    problems = check(exports)
    if problems:
        print("\n".join(problems))
        return 1
    print(f"all {len(exports)} exports import without a warning and with the expected counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
