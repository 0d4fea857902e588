"""scikit-learn side of bench/model-load.mjs: fits RandomForestClassifier(300), ExtraTreesClassifier(300) and
HistGradientBoostingClassifier() on a bundled table (text columns ordinal-encoded), saves each with joblib and
prints one JSON line with the median time of joblib.load over the repeats and the file's size.

Usage: model_load_sklearn.py <bundled table: digits | credit_default> <repeats>
"""
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import joblib
import pandas as pd
import sklearn
from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier, RandomForestClassifier

TARGETS = {"digits": "digit", "credit_default": "default"}


def main() -> None:
    name, repeats = sys.argv[1], int(sys.argv[2])
    frame = pd.read_csv(Path(__file__).resolve().parent.parent / "beemind" / "datasets" / f"{name}.csv")
    y = frame.pop(TARGETS[name])
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype("category").cat.codes
    models = {
        "random_forest": RandomForestClassifier(n_estimators=300, random_state=0, n_jobs=2),
        "extra_trees": ExtraTreesClassifier(n_estimators=300, random_state=0, n_jobs=2),
        "hist_gradient_boosting": HistGradientBoostingClassifier(random_state=0),
    }
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for label, model in models.items():
            model.fit(frame, y)
            path = os.path.join(folder, f"{label}.joblib")
            joblib.dump(model, path)
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                joblib.load(path)
                times.append((time.perf_counter() - t0) * 1000)
            results.append({"model": label, "ms": statistics.median(times), "bytes": os.path.getsize(path)})
    print(json.dumps({"version": sklearn.__version__, "results": results}))


if __name__ == "__main__":
    main()
