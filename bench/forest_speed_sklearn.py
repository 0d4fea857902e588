"""scikit-learn side of bench/forest-speed.mjs: fits RandomForestClassifier(n_estimators, n_jobs=2) on the
float64 files the Node script wrote and prints one JSON line with the fit time and test accuracy.

Usage: forest_speed_sklearn.py <dir with X.f64 and y.f64> <n_train> <n_test> <n_features> <n_trees>
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier


def main() -> None:
    folder, n_train, n_test, p, n_trees = sys.argv[1], *map(int, sys.argv[2:6])
    X = np.fromfile(f"{folder}/X.f64", dtype="<f8").reshape(n_train + n_test, p)
    y = np.fromfile(f"{folder}/y.f64", dtype="<f8").astype(np.int64)
    X_train, X_test, y_train, y_test = X[:n_train], X[n_train:], y[:n_train], y[n_train:]
    model = RandomForestClassifier(n_estimators=n_trees, n_jobs=2, random_state=0)
    t0 = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - t0
    accuracy = float((model.predict(X_test) == y_test).mean())
    print(json.dumps({"version": sklearn.__version__, "fit_seconds": seconds, "accuracy": accuracy}))


if __name__ == "__main__":
    main()
