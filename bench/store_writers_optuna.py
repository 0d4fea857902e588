"""The Optuna side of bench/store-writers.mjs: one writer process on Optuna's RDB storage (PostgreSQL).

Runs with bench/.venv-optuna's python (`bash bench/setup_peers.sh optuna` makes it). The counterpart of one
BeeMind writer process, which records one run of N drones: this process creates one study of its own (a study
is Optuna's run) and then writes N trials to it, each `study.ask()` + `study.tell(trial, value)` timed as one
write. The sampler is RandomSampler and the trials suggest no parameters (unless --params is given), so what is
timed is the storage, not a sampler's model.

Protocol with bench/store-writers.mjs (one JSON object per stdout line):
  --init   creates Optuna's tables in the database and exits (so the writers do not race to create them)
  else     creates the study, prints {"ready": true}, waits for a line "go" on stdin, writes the trials, then
           prints {"latencies_ms": [...], "start": s, "end": s, "written": n}; start/end are wall-clock
           seconds (time.time()) so the runner can take the span across processes.
"""

import argparse
import json
import os
import sys
import time

import optuna


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="SQLAlchemy URL, postgresql+psycopg2://user:password@host:port/db")
    parser.add_argument("--init", action="store_true")
    parser.add_argument("--trials", type=int, default=500)
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--params", type=int, default=0, help="float parameters each trial suggests (default 0)")
    args = parser.parse_args()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(args.url)
    if args.init:
        print(json.dumps({"ready": True, "optuna": optuna.__version__}), flush=True)
        return

    study = optuna.create_study(
        storage=storage,
        study_name=f"bench-{args.index}-{os.getpid()}",
        sampler=optuna.samplers.RandomSampler(seed=args.index),
        direction="maximize",
    )
    print(json.dumps({"ready": True}), flush=True)
    if sys.stdin.readline().strip() != "go":
        sys.exit("store_writers_optuna.py: expected 'go' on stdin")

    latencies = []
    start = time.time()
    for k in range(args.trials):
        t0 = time.perf_counter()
        trial = study.ask()
        for p in range(args.params):
            trial.suggest_float(f"x{p}", 0.0, 1.0)
        study.tell(trial, 0.5 + 0.4 * ((k * 7919 + args.index) % 1000) / 1000)
        latencies.append((time.perf_counter() - t0) * 1000)
    end = time.time()

    written = len(study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,)))
    print(json.dumps({"latencies_ms": latencies, "start": start, "end": end, "written": written}), flush=True)


if __name__ == "__main__":
    main()
