"""scikit-learn side of bench/accuracy.mjs: fits each estimator with default settings on the given splits.

Reads a JSON job {datasets: [{name, seed, csv, target, task, train, test}]} from argv[1] and prints
{dataset: [{family: score} per split, in job order]} as JSON (accuracy %, or R^2 x 100, on the test rows).
"""
import json
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn import ensemble, linear_model, naive_bayes, neighbors, neural_network, svm, tree
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score

warnings.filterwarnings("ignore", category=ConvergenceWarning)

CLASSIFIERS = {
    "logistic_regression": lambda: linear_model.LogisticRegression(),
    "knn": lambda: neighbors.KNeighborsClassifier(),
    "gaussian_nb": lambda: naive_bayes.GaussianNB(),
    "decision_tree": lambda: tree.DecisionTreeClassifier(random_state=0),
    "random_forest": lambda: ensemble.RandomForestClassifier(random_state=0),
    "extra_trees": lambda: ensemble.ExtraTreesClassifier(random_state=0),
    "hist_gradient_boosting": lambda: ensemble.HistGradientBoostingClassifier(random_state=0),
    "mlp": lambda: neural_network.MLPClassifier(random_state=0),
    # BeeMind's svm standardises its features itself (and, for regression, its target)
    "svm": lambda: make_pipeline(StandardScaler(), svm.SVC()),
}
REGRESSORS = {
    "linear_regression": lambda: linear_model.LinearRegression(),
    "ridge": lambda: linear_model.Ridge(),
    "lasso": lambda: linear_model.Lasso(),
    "knn": lambda: neighbors.KNeighborsRegressor(),
    "decision_tree": lambda: tree.DecisionTreeRegressor(random_state=0),
    "random_forest": lambda: ensemble.RandomForestRegressor(random_state=0),
    "extra_trees": lambda: ensemble.ExtraTreesRegressor(random_state=0),
    "hist_gradient_boosting": lambda: ensemble.HistGradientBoostingRegressor(random_state=0),
    "mlp": lambda: neural_network.MLPRegressor(random_state=0),
    "svm": lambda: TransformedTargetRegressor(make_pipeline(StandardScaler(), svm.SVR()), transformer=StandardScaler()),
}


def main() -> None:
    job = json.load(open(sys.argv[1]))
    out = {}
    frames = {}
    for d in job["datasets"]:
        frame = frames.setdefault(d["csv"], pd.read_csv(d["csv"])).copy()
        y = frame.pop(d["target"]).to_numpy()
        X = frame.to_numpy(dtype=float)
        train, test = np.array(d["train"]), np.array(d["test"])
        models = CLASSIFIERS if d["task"] == "classification" else REGRESSORS
        scores = {}
        for family, make in models.items():
            model = make().fit(X[train], y[train])
            pred = model.predict(X[test])
            score = accuracy_score(y[test], pred) if d["task"] == "classification" else r2_score(y[test], pred)
            scores[family] = 100 * score
        out.setdefault(d["name"], []).append(scores)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
