"""Series quality on the open evaluation sets: the service's models next to standard baselines.

For every open daily series set (``SUPPORT_AI_EVALSETS``, see its README) and every model:
rolling-origin windows of ``--horizon`` days (4 by default; the last ends on the final date),
training only on data before each origin. Scores per series and window: MASE (scaled by the
training set's in-sample weekly seasonal-naive MAE), sMAPE, 80/95 % interval coverage; the
tables average them over series and windows, per hierarchy level where the set has one.
Baselines run in the same process on the same windows: statsforecast SeasonalNaive, AutoETS,
AutoARIMA (``approximation=True``) and Prophet with its own defaults. The service's models
are built by ``make_model`` exactly as the API builds them. Where a set has a hierarchy the
whole-tree forecast (``forecast_tree``, the code behind ``forecast_all``) is also run per
window: coherence (max |parent − Σ children|), MASE per level, coverage at the top.

A model that fails on a series/window is scored with the seasonal-naive forecast instead and
counted in ``fail``. Seconds are wall time per series fit (CPU seconds beside them); the
machine is shared, so compare ratios within a run, not across runs.

    python benchmarks/quality_series.py [--sets nn5_atm ...] [--models es auto ...]
        [--nn5-series 111] [--windows 4] [--horizon 28] [--no-tree] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.datasets.open_series import (
    SERIES_SETS,
    SeriesSet,
    load_series_set,
)
from tasks_support_system_ai.forecasting import metrics
from tasks_support_system_ai.forecasting.base import (
    DEFAULT_LEVELS,
    FloatArray,
    Forecast,
    Forecaster,
    TimeSeries,
)
from tasks_support_system_ai.forecasting.models import make_model

SERVICE_MODELS = ("naive", "median", "es", "sarima", "gbm", "prophet", "auto")
BASELINES = ("SeasonalNaive", "AutoETS", "AutoARIMA", "Prophet (defaults)")
TARGET_BASELINES = BASELINES  # auto must be at most the best of these on every set
LEVELS = DEFAULT_LEVELS
BASELINE_HISTORY = 730  # statsforecast baselines see the last two years, like `es`


# ---------------------------------------------------------------- baselines


class _Statsforecast:
    """A statsforecast model behind the service's Forecaster interface."""

    def __init__(self, name: str, build: Callable[[int], Any]) -> None:
        self.name, self._build = name, build

    def fit(self, series: TimeSeries) -> Self:
        self._series = series
        self._model = self._build(series.season_length).fit(series.values[-BASELINE_HISTORY:])
        return self

    def predict(self, horizon: int, levels: Sequence[int] = LEVELS) -> Forecast:
        out = self._model.predict(horizon, level=list(levels))
        return _clipped(
            self._series,
            out["mean"],
            {lv: (out[f"lo-{lv}"], out[f"hi-{lv}"]) for lv in levels},
        )


class _ProphetDefaults:
    """Prophet exactly as its documentation starts: ``Prophet().fit(df)``, raw values."""

    name = "Prophet (defaults)"

    def fit(self, series: TimeSeries) -> Self:
        from prophet import Prophet

        from tasks_support_system_ai.forecasting.models._quiet import quiet_prophet

        frame = pd.DataFrame({"ds": pd.to_datetime(series.dates), "y": series.values})
        with quiet_prophet():
            self._model = Prophet().fit(frame)
        self._series = series
        return self

    def predict(self, horizon: int, levels: Sequence[int] = LEVELS) -> Forecast:
        from tasks_support_system_ai.forecasting.models._quiet import quiet_prophet

        future = pd.DataFrame({"ds": pd.to_datetime(self._series.future_dates(horizon))})
        np.random.seed(0)
        with quiet_prophet():
            mean = self._model.predict(future)["yhat"].to_numpy()
            samples = self._model.predictive_samples(future)["yhat"]
        bounds = {
            lv: (
                np.quantile(samples, (1 - lv / 100) / 2, axis=1),
                np.quantile(samples, (1 + lv / 100) / 2, axis=1),
            )
            for lv in levels
        }
        return _clipped(self._series, mean, bounds)


def _clipped(series: TimeSeries, mean: Any, bounds: dict[int, tuple[Any, Any]]) -> Forecast:
    clip = lambda a: np.clip(np.asarray(a, dtype=np.float64), 0, None)  # noqa: E731
    return Forecast(
        mean=clip(mean),
        dates=series.future_dates(len(mean)),
        lower={lv: clip(low) for lv, (low, _) in bounds.items()},
        upper={lv: clip(high) for lv, (_, high) in bounds.items()},
    )


def baseline_factory(name: str) -> Callable[[], Forecaster]:
    from statsforecast.models import AutoARIMA, AutoETS, SeasonalNaive

    builders: dict[str, Callable[[int], Any]] = {
        "SeasonalNaive": lambda s: SeasonalNaive(season_length=s),
        "AutoETS": lambda s: AutoETS(season_length=s),
        "AutoARIMA": lambda s: AutoARIMA(season_length=s, approximation=True),
    }
    if name == "Prophet (defaults)":
        return _ProphetDefaults
    return partial(_Statsforecast, name, builders[name])


def factory(name: str) -> Callable[[], Forecaster]:
    return baseline_factory(name) if name in BASELINES else partial(make_model, name)


# ---------------------------------------------------------------- scoring


@dataclass
class Scores:
    """Per (series row, window) scores of one model on one set."""

    mase: dict[tuple[int, int], float] = field(default_factory=dict)
    smape: dict[tuple[int, int], float] = field(default_factory=dict)
    coverage: dict[int, dict[tuple[int, int], float]] = field(default_factory=dict)
    failures: int = 0
    fits: int = 0
    wall: float = 0.0
    cpu: float = 0.0

    def add(
        self, key: tuple[int, int], actual: FloatArray, fc: Forecast, train: FloatArray
    ) -> None:
        self.mase[key] = metrics.mase(actual, fc.mean, train, 7)
        self.smape[key] = metrics.smape(actual, fc.mean)
        for level in LEVELS:
            cov = metrics.coverage(actual, fc.lower[level], fc.upper[level])
            self.coverage.setdefault(level, {})[key] = cov

    def summary(self, rows: Sequence[int]) -> dict[str, float]:
        def mean(values: dict[tuple[int, int], float]) -> float:
            kept = [v for (r, _), v in values.items() if r in rows and math.isfinite(v)]
            return float(np.mean(kept)) if kept else math.nan

        return {
            "mase": mean(self.mase),
            "smape": mean(self.smape),
            "cov80": mean(self.coverage.get(80, {})),
            "cov95": mean(self.coverage.get(95, {})),
        }


def origins(periods: int, windows: int, horizon: int) -> list[int]:
    """Training lengths of the windows, oldest first; the last window ends on the last day."""
    return [periods - k * horizon for k in range(windows, 0, -1)]


def cpu_seconds() -> float:
    """CPU of this process and its finished children (Prophet's Stan runs in a child)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_model(
    name: str, data: SeriesSet, rows: Sequence[int], windows: int, horizon: int
) -> Scores:
    make = factory(name)
    scores = Scores()
    for row in rows:
        for w, cut in enumerate(origins(data.values.shape[1], windows, horizon)):
            train = TimeSeries(data.values[row, :cut], data.dates[:cut])
            actual = data.values[row, cut : cut + horizon]
            wall, cpu = time.perf_counter(), cpu_seconds()
            try:
                forecast = make().fit(train).predict(horizon, LEVELS)
                if not np.all(np.isfinite(forecast.mean)):
                    raise ValueError("non-finite forecast")
            except Exception:  # counted; scored with the seasonal naive below
                scores.failures += 1
                forecast = _naive(train, horizon)
            scores.wall += time.perf_counter() - wall
            scores.cpu += cpu_seconds() - cpu
            scores.fits += 1
            scores.add((row, w), actual, forecast, train.values)
    return scores


def _naive(train: TimeSeries, horizon: int) -> Forecast:
    mean = train.values[-7:][np.arange(horizon) % 7]
    return Forecast(mean, train.future_dates(horizon), dict.fromkeys(LEVELS, mean),
                    dict.fromkeys(LEVELS, mean))  # fmt: skip


# ---------------------------------------------------------------- whole tree


def tree_scores(
    data: SeriesSet, model: str, windows: int, horizon: int, top_auto: bool = False
) -> dict[str, Any]:
    """``forecast_tree`` on the set's two-level hierarchy at each window's origin."""
    from tasks_support_system_ai.analytics import QueueLoad
    from tasks_support_system_ai.forecasting.tree_forecast import forecast_tree
    from tasks_support_system_ai.hierarchy import QueueTree

    assert data.total is not None
    children = list(data.children)
    tree = QueueTree.from_frame(
        pd.DataFrame({"queueId": np.arange(1, len(children) + 1), "parentId": 0,
                      "name": [data.names[c] for c in children]})
    )  # fmt: skip
    incoherence, wall, cpu = 0.0, 0.0, 0.0
    per_level: dict[str, list[float]] = {"total": [], "bottom": []}
    cover: list[float] = []
    for cut in origins(data.values.shape[1], windows, horizon):
        values = data.values[children, :cut].astype(np.int64)
        days = np.tile(data.dates[:cut], len(children))
        tickets = pd.DataFrame({"queueId": np.repeat(np.arange(1, len(children) + 1), cut),
                                "date": days, "new_tickets": values.ravel()})  # fmt: skip
        load = QueueLoad.build(tree, tickets)
        started, cpu_started = time.perf_counter(), cpu_seconds()
        result = forecast_tree(load, horizon=horizon, levels=LEVELS, model=model, top_auto=top_auto)
        wall += time.perf_counter() - started
        cpu += cpu_seconds() - cpu_started
        top = result.mean[0]
        incoherence = max(incoherence, float(np.abs(top - result.mean[1:].sum(axis=0)).max()))
        for row, source in [(0, data.total), *enumerate(children, start=1)]:
            actual = data.values[source, cut : cut + horizon]
            train = data.values[source, :cut]
            level = "total" if row == 0 else "bottom"
            per_level[level].append(metrics.mase(actual, result.mean[row], train, 7))
        actual_top = data.values[data.total, cut : cut + horizon]
        cover.append(metrics.coverage(actual_top, result.lower[80][0], result.upper[80][0]))
    finite = lambda xs: [x for x in xs if math.isfinite(x)]  # noqa: E731
    return {
        "model": model + (" (top_auto)" if top_auto else ""),
        "mase_total": float(np.mean(finite(per_level["total"]))),
        "mase_bottom": float(np.mean(finite(per_level["bottom"]) or [math.nan])),
        "cov80_total": float(np.mean(cover)),
        "max_incoherence": incoherence,
        "seconds": wall / windows,
        "cpu_seconds": cpu / windows,
    }


# ---------------------------------------------------------------- running and reporting


def set_rows(data: SeriesSet, nn5_series: int) -> list[int]:
    """Every series, except NN5: ``nn5_series`` of its 111, evenly spread over the ids."""
    n = data.values.shape[0]
    if data.name == "nn5_atm" and nn5_series < n:
        return sorted({int(i) for i in np.linspace(0, n - 1, nn5_series).round()})
    return list(range(n))


def level_rows(data: SeriesSet, rows: Sequence[int]) -> dict[str, list[int]]:
    levels: dict[str, list[int]] = {"all": list(rows)}
    if data.total is not None:
        levels["total"] = [data.total]
        levels["bottom"] = [r for r in rows if r in data.children]
    return levels


def run_set(name: str, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    data = load_series_set(name, root)
    rows = set_rows(data, args.nn5_series)
    table: list[dict[str, Any]] = []
    for model in args.models:
        scores = run_model(model, data, rows, args.windows, args.horizon)
        for level, members in level_rows(data, rows).items():
            table.append({"model": model, "level": level, **scores.summary(members),
                          "fail": scores.failures,
                          "s_per_fit": scores.wall / scores.fits,
                          "cpu_per_fit": scores.cpu / scores.fits})  # fmt: skip
        print(f"{name:18} {model:20} " + _line(table[-len(level_rows(data, rows)) :]), flush=True)
    tree = []
    if data.total is not None and not args.no_tree:
        for model, top in (("vets", False), ("auto", False), ("auto", True)):
            try:
                tree.append(tree_scores(data, model, args.windows, args.horizon, top))
            except Exception as error:  # reported in the table; the per-model results stay
                error_text = f"{type(error).__name__}: {error}"
                tree.append({"model": model, "error": error_text})
            print(f"{name:18} tree {model}: {tree[-1]}", flush=True)
    return {"name": name, "series": len(rows), "of": data.values.shape[0],
            "days": data.values.shape[1], "imputed": data.imputed,
            "table": table, "tree": tree}  # fmt: skip


def _line(rows: list[dict[str, Any]]) -> str:
    return " | ".join(f"{r['level']}: MASE {r['mase']:.3f} cov80 {r['cov80']:.2f}" for r in rows)


def verdicts(result: dict[str, Any]) -> dict[str, Any]:
    """auto against the best target baseline on the set (level "all"): MASE and time."""
    overall = {r["model"]: r for r in result["table"] if r["level"] == "all"}
    present = [b for b in TARGET_BASELINES if b in overall]
    if "auto" not in overall or not present:
        return {}
    best = min(present, key=lambda b: overall[b]["mase"])
    auto = overall["auto"]
    arima = overall.get("AutoARIMA")
    return {
        "best_baseline": best,
        "best_mase": overall[best]["mase"],
        "auto_mase": auto["mase"],
        "mase_ratio": auto["mase"] / overall[best]["mase"],
        "met": auto["mase"] <= overall[best]["mase"],
        "time_ratio_vs_arima": auto["cpu_per_fit"] / arima["cpu_per_fit"] if arima else math.nan,
    }


def render(results: list[dict[str, Any]], command: str, stamp: str) -> str:
    """The "Series" part of docs/quality.md."""
    out = ["## Series", "", f"Command: `{command}` — run {stamp} on {_machine()}.", "",
           "Rolling origin, 4 windows × 28 days ending on each set's last day unless the command "
           "says otherwise; MASE uses the weekly seasonal-naive in-sample MAE of each training "
           "window; averages over series and windows. `s/fit` is wall seconds per series fit "
           "(CPU seconds in brackets) on a machine shared with other jobs, so compare ratios "
           "within a table. `fail`: fits that failed, scored as seasonal naive.", ""]  # fmt: skip
    summary = ["| set | auto MASE | best baseline | its MASE | auto/best | met | "
               "auto CPU / AutoARIMA CPU |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    for result in results:
        v = verdicts(result)
        if v:
            summary.append(
                f"| {result['name']} | {v['auto_mase']:.3f} | {v['best_baseline']} | "
                f"{v['best_mase']:.3f} | {v['mase_ratio']:.3f} | {'yes' if v['met'] else 'no'}"
                f" | {v['time_ratio_vs_arima']:.2f} |"
            )
    if len(summary) > 2:
        out += ["### Target: `auto` vs the best baseline", "", *summary, ""]
    for result in results:
        out += [f"### {result['name']}", "",
                f"{result['series']} of {result['of']} series, {result['days']} days"
                + (f", {result['imputed']} missing values imputed (same weekday a week before)"
                   if result["imputed"] else "") + ".", "",
                "| model | level | MASE | sMAPE | cov 80 | cov 95 | fail | s/fit (CPU) |",
                "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for r in result["table"]:
            out.append(
                f"| {r['model']} | {r['level']} | {r['mase']:.3f} | {r['smape']:.1f} | "
                f"{r['cov80']:.2f} | {r['cov95']:.2f} | {r['fail']} | "
                f"{r['s_per_fit']:.3f} ({r['cpu_per_fit']:.3f}) |"
            )
        if result["tree"]:
            out += ["", "Whole tree (`forecast_tree`, MinT shrink), per window:", "",
                    "| model | MASE total | MASE bottom | cov 80 total | max incoherence | "
                    "s/run (CPU) |", "|---|---|---|---|---|---|"]  # fmt: skip
            for t in result["tree"]:
                if "error" in t:
                    out.append(f"| {t['model']} | failed: {t['error']} | | | | |")
                    continue
                out.append(
                    f"| {t['model']} | {t['mase_total']:.3f} | {t['mase_bottom']:.3f} | "
                    f"{t['cov80_total']:.2f} | {t['max_incoherence']:.1e} | "
                    f"{t['seconds']:.2f} ({t['cpu_seconds']:.2f}) |"
                )
        out.append("")
    return "\n".join(out)


def _machine() -> str:
    import platform

    load = os.getloadavg()[0]
    return f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the end"


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SERIES_SETS), choices=SERIES_SETS)
    parser.add_argument("--models", nargs="+", default=[*SERVICE_MODELS, *BASELINES])
    parser.add_argument("--nn5-series", type=int, default=111)
    parser.add_argument("--windows", type=int, default=4)
    parser.add_argument("--horizon", type=int, default=28)
    parser.add_argument("--no-tree", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/quality.md")
    parser.add_argument("--evalsets", type=Path, default=None)
    parser.add_argument("--save", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument(
        "--from-saved", type=Path, nargs="+", default=None,
        help="render saved results (e.g. sets run in parallel processes) instead of running",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the series benchmark; returns the results and the rendered "Series" section."""
    from datetime import UTC, datetime

    args = parse(argv)
    if args.from_saved:
        results = [r for path in args.from_saved for r in json.loads(path.read_text())]
    else:
        root = args.evalsets or Settings().resolved_evalsets
        results = [run_set(name, args, root) for name in args.sets]
    if args.save:
        args.save.write_text(json.dumps(results, indent=1))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python benchmarks/quality_series.py " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    section = render(results, command.strip(), stamp)
    print(section)
    if not args.no_write:
        from quality_doc import write_section

        write_section(Path("docs/quality.md"), "Series", section)
    return {"sets": results, "section": section}


if __name__ == "__main__":
    main()
