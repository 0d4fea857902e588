"""scikit-learn side of bench/hgb-feature-sampling.mjs: HistGradientBoosting at its defaults with each max_features.

Reads a JSON job {shares: [...], datasets: [{name, seed, csv, target, task, train, test}]} from argv[1] and prints
{dataset: {share: [score per split, in job order]}} as JSON (accuracy %, or R^2 x 100, on the test rows). The
table is prepared as bench/automl_peers.py prepares it for its HistGradientBoosting peer.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.preprocessing import LabelEncoder

from automl_peers import features, hgb_ready


def main() -> None:
    job = json.load(open(sys.argv[1]))
    tables = {}
    out = {}
    for d in job["datasets"]:
        if d["csv"] not in tables:
            raw = pd.read_csv(d["csv"])
            y = raw.pop(d["target"]).to_numpy()
            if d["task"] == "classification":
                y = LabelEncoder().fit_transform(y)
            tables[d["csv"]] = (hgb_ready(features(raw)), y)
        X, y = tables[d["csv"]]
        train, test = np.array(d["train"]), np.array(d["test"])
        make = HistGradientBoostingClassifier if d["task"] == "classification" else HistGradientBoostingRegressor
        for share in job["shares"]:
            model = make(max_features=float(share), random_state=0, categorical_features="from_dtype")
            model.fit(X.iloc[train], y[train])
            score = model.score(X.iloc[test], y[test])
            out.setdefault(d["name"], {}).setdefault(str(share), []).append(100 * score)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
