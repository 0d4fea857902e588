"""scikit-learn side of bench/hgb-speed.mjs: fits HistGradientBoostingClassifier on the benchmark's data file.

Usage: .venv/bin/python bench/hgb_speed_sklearn.py <data file> [--repeat N]

The data file (written by hgb-speed.mjs) is little-endian: a header of four uint32 (nTrain, nTest,
nFeatures, 0), then float64 arrays X_train (row-major), y_train, X_test, y_test.
Prints one JSON line: fit seconds per repeat, test accuracy, peak extra memory of the first fit (bytes).
"""

import json
import resource
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier


def rss_bytes() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def load(path: str):
    header = np.fromfile(path, dtype="<u4", count=4)
    n_train, n_test, p = (int(v) for v in header[:3])
    data = np.fromfile(path, dtype="<f8", offset=16)
    parts = np.split(data, np.cumsum([n_train * p, n_train, n_test * p]))
    return (
        parts[0].reshape(n_train, p),
        parts[1],
        parts[2].reshape(n_test, p),
        parts[3],
    )


def main() -> None:
    path = sys.argv[1]
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 1
    X_train, y_train, X_test, y_test = load(path)
    seconds = []
    peak_extra = None
    accuracy = None
    for _ in range(repeat):
        model = HistGradientBoostingClassifier(
            learning_rate=0.1,
            max_iter=100,
            max_leaf_nodes=31,
            min_samples_leaf=20,
            max_bins=255,
            early_stopping=False,
            random_state=0,
        )
        before = rss_bytes()
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds.append(time.perf_counter() - start)
        if peak_extra is None:
            peak_extra = max(0, peak_rss_bytes() - before)
            accuracy = float((model.predict(X_test) == y_test).mean())
    print(json.dumps({"fitSeconds": seconds, "accuracy": accuracy, "peakExtraBytes": peak_extra}))


if __name__ == "__main__":
    main()
