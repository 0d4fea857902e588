"""Peers of bench/automl.mjs: scikit-learn HistGradientBoosting defaults, RandomForest (300 trees), Optuna TPE tuning
HistGradientBoosting, FLAML and TPOT, each on the given seeded split with the same time budget and 2 cores.

Usage: python bench/automl_peers.py JOB.json  where JOB = {seconds, datasets: [{name, csv, target, task,
train, test}]}; prints {dataset: {peer: {score, seconds} | {error}}} as JSON.
"""
import json
import sys
import time
import warnings

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


def score(task, y, pred):
    return accuracy_score(y, pred) if task == "classification" else r2_score(y, pred)


def hgb(task, **params):
    cls = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
    return cls(random_state=SEED, **params)


def run_hgb(task, X, y, Xt, yt, seconds):
    return score(task, yt, hgb(task).fit(X, y).predict(Xt))


def run_rf(task, X, y, Xt, yt, seconds):
    """The reference of the AutoML Benchmark's normalised score: a 300-tree random forest on category codes."""
    cls = RandomForestClassifier if task == "classification" else RandomForestRegressor
    model = cls(n_estimators=300, n_jobs=2, random_state=SEED).fit(numeric(X), y)
    return score(task, yt, model.predict(numeric(Xt)))


def run_optuna(task, X, y, Xt, yt, seconds):
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)

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
    import tpot

    cls = tpot.TPOTClassifier if task == "classification" else tpot.TPOTRegressor
    model = cls(max_time_mins=seconds / 60, n_jobs=2, random_state=SEED, verbose=0)
    model.fit(X, y)
    return score(task, yt, model.predict(Xt))


PEERS = {"sklearn_hgb": run_hgb, "sklearn_rf": run_rf, "optuna_tpe_hgb": run_optuna, "flaml": run_flaml, "tpot": run_tpot}


def main():
    job = json.load(open(sys.argv[1]))
    only = sys.argv[2].split(",") if len(sys.argv) > 2 else list(PEERS)
    out = {}
    for d in job["datasets"]:
        frame = pd.read_csv(d["csv"])
        y = frame.pop(d["target"]).to_numpy()
        if d["task"] == "classification":
            y = LabelEncoder().fit_transform(y)  # TPOT needs integer labels; the others score the same either way
        X = features(frame)
        tr, te = np.array(d["train"]), np.array(d["test"])
        out[d["name"]] = {}
        for name in only:
            started = time.perf_counter()
            try:
                Xp = numeric(X) if name == "tpot" else X  # TPOT takes numbers only
                s = PEERS[name](d["task"], Xp.iloc[tr], y[tr], Xp.iloc[te], y[te], job["seconds"])
                out[d["name"]][name] = {"score": 100 * s, "seconds": time.perf_counter() - started}
            except Exception as e:  # a peer that cannot run is reported, not fatal
                out[d["name"]][name] = {"error": f"{type(e).__name__}: {e}"[:200]}
            print(d["name"], name, out[d["name"]][name], file=sys.stderr, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
