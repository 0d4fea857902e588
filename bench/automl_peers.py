"""Peers of bench/automl.mjs: scikit-learn HistGradientBoosting defaults, RandomForest (300 trees), Optuna TPE tuning
HistGradientBoosting, FLAML, TPOT 1.x and AutoGluon-Tabular (presets medium_quality, its default, and
best_quality), each on the given seeded split with the same time budget and 2 cores.

TPOT and AutoGluon pin versions that clash with the project's .venv, so each has a venv of its own
(bench/.venv-tpot, bench/.venv-autogluon, made by the opt-in bench/setup_peers.sh): for those peers this script
runs itself again with that venv's python, one table at a time (`--here`), and a peer whose venv is missing is
reported as an error.

Usage: python bench/automl_peers.py JOB.json [PEERS]  where JOB = {seconds, datasets: [{name, csv, target,
task, train, test}]} and PEERS a comma list (every peer when left out); prints {dataset: {peer: {score,
seconds} | {error}}} as JSON. `python bench/automl_peers.py --list` prints the peers' names.
"""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import LabelEncoder

warnings.filterwarnings("ignore")
SEED = 0


def features(frame):
    """The table as a user would hand it to the peers: ISO date text as days since 1970, other text as pandas
    categories (which HistGradientBoosting and FLAML take as they are), numbers as they are."""
    X = frame.copy()
    for c in X.columns:
        if not (pd.api.types.is_object_dtype(X[c]) or pd.api.types.is_string_dtype(X[c])):
            continue
        dates = pd.to_datetime(X[c], errors="coerce", format="ISO8601")
        if X[c].notna().any() and dates.notna().sum() == X[c].notna().sum():
            X[c] = (dates - pd.Timestamp("1970-01-01")).dt.days.astype(float)
        else:
            X[c] = X[c].astype("category")
    return X


def numeric(X):
    """Categories as their integer codes (missing: NaN)."""
    return X.apply(lambda col: col.cat.codes.replace(-1, np.nan).astype(float) if col.dtype.name == "category" else col)


def hgb_ready(X):
    """HistGradientBoosting takes at most 255 categories in a column: the codes of a column with more (free
    text, names) as numbers, as a user would after its error."""
    return X.apply(lambda col: col.cat.codes.replace(-1, np.nan).astype(float)
                   if col.dtype.name == "category" and len(col.cat.categories) > 255 else col)


def score(task, y, pred):
    return accuracy_score(y, pred) if task == "classification" else r2_score(y, pred)


def hgb(task, **params):
    cls = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
    return cls(random_state=SEED, **params)


def run_hgb(task, X, y, Xt, yt, seconds):
    X, Xt = hgb_ready(X), hgb_ready(Xt)
    return score(task, yt, hgb(task).fit(X, y).predict(Xt))


def run_rf(task, X, y, Xt, yt, seconds):
    """The reference of the AutoML Benchmark's normalised score: a 300-tree random forest on category codes."""
    cls = RandomForestClassifier if task == "classification" else RandomForestRegressor
    model = cls(n_estimators=300, n_jobs=2, random_state=SEED).fit(numeric(X), y)
    return score(task, yt, model.predict(numeric(Xt)))


def run_optuna(task, X, y, Xt, yt, seconds):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, Xt = hgb_ready(X), hgb_ready(Xt)

    def objective(trial):
        model = hgb(
            task,
            learning_rate=trial.suggest_float("learning_rate", 0.01, 0.5, log=True),
            max_leaf_nodes=trial.suggest_int("max_leaf_nodes", 4, 128, log=True),
            min_samples_leaf=trial.suggest_int("min_samples_leaf", 2, 60, log=True),
            l2_regularization=trial.suggest_float("l2_regularization", 1e-8, 10, log=True),
            max_iter=trial.suggest_int("max_iter", 50, 500, log=True),
        )
        return cross_val_score(model, X, y, cv=5, n_jobs=2).mean()

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=SEED))
    study.optimize(objective, timeout=seconds * 0.85)
    best = {k: v for k, v in study.best_params.items()}
    return score(task, yt, hgb(task, **best).fit(X, y).predict(Xt))


def run_flaml(task, X, y, Xt, yt, seconds):
    from flaml import AutoML

    automl = AutoML()
    automl.fit(X, y, task=task, time_budget=seconds, n_jobs=2, seed=SEED, verbose=0,
               metric="accuracy" if task == "classification" else "r2")
    return score(task, yt, automl.predict(Xt))


def run_tpot(task, X, y, Xt, yt, seconds):
    """TPOT 1.x (dask-based): its default 'linear' search space, scored as the bench scores (accuracy or R²) with
    5-fold cross-validation like the Optuna peer; category codes as numbers and its preprocessing on, which
    imputes the missing ones. max_time_mins also cuts the evaluations still running at the deadline."""
    import tpot

    classify = task == "classification"
    cls = tpot.TPOTClassifier if classify else tpot.TPOTRegressor
    model = cls(scorers=["accuracy" if classify else "r2"], scorers_weights=[1], cv=5, preprocessing=True,
                max_time_mins=seconds / 60, n_jobs=2, random_state=SEED, verbose=0)
    model.fit(X, y)
    return score(task, yt, model.predict(Xt))


def autogluon(presets):
    def run(task, X, y, Xt, yt, seconds):
        """AutoGluon-Tabular on the table as read (it finds dates, text and categories itself)."""
        from autogluon.tabular import TabularPredictor

        label = "__target__"
        problem = "regression" if task == "regression" else "binary" if len(np.unique(y)) == 2 else "multiclass"
        path = tempfile.mkdtemp(prefix="beemind-autogluon-")
        try:
            predictor = TabularPredictor(label=label, problem_type=problem, path=path, verbosity=0,
                                         eval_metric="accuracy" if task == "classification" else "r2")
            predictor.fit(X.assign(**{label: y}), presets=presets, time_limit=seconds, num_cpus=2, num_gpus=0)
            return score(task, yt, predictor.predict(Xt).to_numpy())
        finally:
            shutil.rmtree(path, ignore_errors=True)

    return run


# name: (run, the table as it takes it: 'features' (see features), 'numeric' (category codes) or 'raw' (as
# read), its own venv under bench/ or None for the project's .venv)
PEERS = {
    "sklearn_hgb": (run_hgb, "features", None),
    "sklearn_rf": (run_rf, "features", None),
    "optuna_tpe_hgb": (run_optuna, "features", None),
    "flaml": (run_flaml, "features", None),
    "tpot": (run_tpot, "numeric", ".venv-tpot"),
    "autogluon_default": (autogluon("medium_quality"), "raw", ".venv-autogluon"),
    "autogluon_best": (autogluon("best_quality"), "raw", ".venv-autogluon"),
}
BENCH = Path(__file__).resolve().parent


def in_venv(name, d, seconds):
    """Runs one peer on one table with its venv's python (this script again, with --here), killing the whole
    process group (TPOT's dask workers too) when it runs far past the budget."""
    venv = BENCH / PEERS[name][2]
    python = venv / "bin" / "python"
    if not python.exists():
        return {"error": f"bench/{venv.name} is missing: run bash bench/setup_peers.sh {venv.name.removeprefix('.venv-')}"}
    with tempfile.TemporaryDirectory(prefix="beemind-peer-") as folder:
        job = Path(folder) / "job.json"
        job.write_text(json.dumps({"seconds": seconds, "datasets": [d]}))
        limit = 4 * seconds + 180
        child = subprocess.Popen([str(python), __file__, str(job), name, "--here"], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = child.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            return {"error": f"timed out after {limit:.0f} s"}
        finally:
            try:  # whatever the peer left behind in its group (dask workers, AutoGluon's helpers)
                os.killpg(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    try:  # the last line: a peer may print on stdout before it
        return json.loads(out.strip().splitlines()[-1])[d["name"]][name]
    except (ValueError, KeyError, IndexError):
        tail = (err or "").strip().splitlines()[-1:] or [f"exit code {child.returncode}"]
        return {"error": f"{name} crashed: {tail[0]}"[:200]}


def main():
    if sys.argv[1:] == ["--list"]:  # the peers' names, for bench/automl.mjs to check its arguments early
        print(json.dumps(list(PEERS)))
        return
    args = [a for a in sys.argv[1:] if a != "--here"]
    here = "--here" in sys.argv[1:]  # run even the peers with a venv of their own in this python
    job = json.load(open(args[0]))
    only = args[1].split(",") if len(args) > 1 else list(PEERS)
    unknown = [name for name in only if name not in PEERS]
    if unknown:
        raise SystemExit(f"unknown peers {', '.join(unknown)}; choose among {', '.join(PEERS)}")
    out = {}
    for d in job["datasets"]:
        raw = pd.read_csv(d["csv"])
        y = raw.pop(d["target"]).to_numpy()
        if d["task"] == "classification":
            y = LabelEncoder().fit_transform(y)  # TPOT needs integer labels; the others score the same either way
        X = features(raw)
        tables = {"features": X, "numeric": numeric(X), "raw": raw}  # TPOT takes numbers only
        tr, te = np.array(d["train"]), np.array(d["test"])
        out[d["name"]] = {}
        for name in only:
            run, takes, venv = PEERS[name]
            if venv is not None and not here:
                out[d["name"]][name] = in_venv(name, d, job["seconds"])
            else:
                started = time.perf_counter()
                try:
                    Xp = tables[takes]
                    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the JSON only
                        s = run(d["task"], Xp.iloc[tr], y[tr], Xp.iloc[te], y[te], job["seconds"])
                    out[d["name"]][name] = {"score": 100 * s, "seconds": time.perf_counter() - started}
                except Exception as e:  # a peer that cannot run is reported, not fatal
                    out[d["name"]][name] = {"error": f"{type(e).__name__}: {e}"[:200]}
            print(d["name"], name, out[d["name"]][name], file=sys.stderr, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
