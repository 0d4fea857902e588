"""Python side of bench/shap.mjs: shap.TreeExplainer on scikit-learn's HistGradientBoostingClassifier.

Usage: bench/shap/.venv/bin/python bench/shap/peer.py <data file> [--repeat N]

The data file (written by bench/shap.mjs) is little-endian: a header of four uint32 (nTrain, nExplain,
nFeatures, 0), then float64 arrays X_train (row-major), y_train, X_explain.
Prints one JSON line: seconds per repeat for shap_values on the explained rows, the largest additivity error
against decision_function (log-odds), the model's size and the library versions.
"""

import json
import sys
import time

import numpy as np
import shap
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier


def load(path: str):
    header = np.fromfile(path, dtype="<u4", count=4)
    n_train, n_explain, p = (int(v) for v in header[:3])
    data = np.fromfile(path, dtype="<f8", offset=16)
    parts = np.split(data, np.cumsum([n_train * p, n_train]))
    return parts[0].reshape(n_train, p), parts[1], parts[2].reshape(n_explain, p)


def main() -> None:
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
    X_train, y_train, X_explain = load(path)
    model = HistGradientBoostingClassifier(
        learning_rate=0.1,
        max_iter=100,
        max_leaf_nodes=31,
        min_samples_leaf=20,
        max_bins=255,
        early_stopping=False,
        random_state=0,
    ).fit(X_train, y_train)
    start = time.perf_counter()
    # no background data: the tree_path_dependent algorithm with the trees' node counts
    explainer = shap.TreeExplainer(model)
    setup = time.perf_counter() - start
    seconds = []
    values = None
    for _ in range(repeat):
        start = time.perf_counter()
        values = explainer.shap_values(X_explain, check_additivity=False)
        seconds.append(time.perf_counter() - start)
    values = np.asarray(values)
    if values.ndim == 3:  # some versions return one array per class
        values = values[..., -1] if values.shape[-1] == 2 else values[-1]
    base = np.ravel(explainer.expected_value)[-1]
    error = float(np.max(np.abs(base + values.sum(axis=1) - model.decision_function(X_explain))))
    predictors = model._predictors
    leaves = sum(int(np.sum(p[0].nodes["is_leaf"])) for p in predictors)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "setupSeconds": setup,
                "maxError": error,
                "trees": len(predictors),
                "leaves": leaves,
                "version": shap.__version__,
                "sklearn": sklearn.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
