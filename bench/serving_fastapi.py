"""The hand-written peer of `beemind serve` in bench/serving.mjs: FastAPI + uvicorn around scikit-learn's
HistGradientBoosting, trained on the same CSV. POST /predict takes {"rows": [{column: value}, ...]} and answers
{"predictions": [...]}, as a Python user would write it.

Usage: python bench/serving_fastapi.py CSV TARGET PORT
"""
from __future__ import annotations

import sys

import pandas as pd
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

csv, target, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
table = pd.read_csv(csv)
features = [c for c in table.columns if c != target]
y = table[target]
classify = y.dtype == object or y.nunique() <= 20
model = (HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor)(random_state=0)
model.fit(table[features], y)

app = FastAPI()


class Rows(BaseModel):
    rows: list[dict[str, float | str | None]]


@app.post("/predict")
def predict(body: Rows) -> dict:
    frame = pd.DataFrame(body.rows, columns=features)
    return {"predictions": model.predict(frame).tolist()}


@app.get("/healthz")
def health() -> dict:
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
