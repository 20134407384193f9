"""What importing each heavy library costs a process (RSS), against a bare interpreter.

The code keeps several libraries out of processes that do not need them (the API without
scikit-learn, workers without pandas or Celery); this measures what that saves, so the figures
live in docs/benchmarks.md instead of in comments. Each import runs in a fresh interpreter,
``repeats`` times; the median resident set size after the import is reported, and what it
adds to the baseline (the same interpreter importing nothing).

    python benchmarks/bench_imports.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from _common import save_result

IMPORTS = {
    "baseline (nothing)": "",
    "celery (an app, configured)": "from celery import Celery; Celery('probe').conf.broker_url",
    "pandas": "import pandas",
    "pyarrow": "import pyarrow, pyarrow.parquet",
    "pyarrow + pandas": "import pyarrow, pyarrow.parquet, pandas",
    "scikit-learn (pipeline, TF-IDF, linear)": (
        "import sklearn.pipeline, sklearn.feature_extraction.text, sklearn.linear_model"
    ),
    "skops.io": "import skops.io",
    "statsmodels (ETS, SARIMAX)": (
        "import statsmodels.tsa.holtwinters, statsmodels.tsa.statespace.sarimax"
    ),
    "fastapi": "import fastapi",
}
_PROBE = (  # VmRSS, not ru_maxrss: a child's peak starts at its parent's on Linux
    "{imports}\n"
    "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmRSS:')))\n"
)


def rss_mb(imports: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(imports=imports)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    medians = {
        name: statistics.median(rss_mb(code) for _ in range(args.repeats))
        for name, code in IMPORTS.items()
    }
    baseline = medians["baseline (nothing)"]
    print(f"{'import':44} {'RSS MB':>8} {'added MB':>9} {'× baseline':>11}")
    for name, rss in medians.items():
        print(f"{name:44} {rss:8.1f} {rss - baseline:9.1f} {rss / baseline:11.2f}")
    rows = {name: {"rss_mb": rss, "added_mb": rss - baseline} for name, rss in medians.items()}
    print("saved", save_result("imports", {"repeats": args.repeats, "imports": rows}))


if __name__ == "__main__":
    main()
