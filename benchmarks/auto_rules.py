"""Simulate ``auto``'s selection rules on the open series sets from cached candidate forecasts.

``auto`` backtests its candidates on the three 28-day windows before a forecast origin and
then picks (or averages) some of them. For each evaluation window of
``quality_series.py`` (4 × 28 days ending on the last day) those three inner windows start
28, 56 and 84 days earlier, so every forecast any rule needs is one of the candidates'
forecasts from the cut-offs ``P − 28k``, k = 1..7. Step one fits each candidate once per
series and cut-off and caches the point forecasts (``--cache``); step two replays the rules
and interval methods from the cache in seconds and prints eval-window MASE (the benchmark's
definition) and 80/95 % coverage per set. This is how the defaults in ``models/auto.py``
were chosen; the benchmark itself (``quality_series.py``) then measures the real ``auto``.

    python benchmarks/auto_rules.py [--sets ...] [--nn5-series 20] [--cache /tmp/auto-rules]
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tasks_support_system_ai.config import Settings
from tasks_support_system_ai.datasets.open_series import SERIES_SETS, load_series_set
from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.models import make_model

H, CUTS = 28, 7
MODELS = ("naive", "es", "vets", "linear", "prophet", "sarima", "gbm")
CANDIDATE_SETS = {
    "default (naive es vets linear prophet)": MODELS[:5],
    "default + sarima": MODELS[:6],
    "all seven": MODELS,
    "all seven + median8": (*MODELS, "median8"),
    "all seven + median4": (*MODELS, "median4"),
    "default + median8": (*MODELS[:5], "median8"),
}
Pools = dict[str, np.ndarray]  # candidate -> inner-window MASEs / eval forecast / inner errors
Rule = Callable[[Pools, Pools, Pools, np.ndarray], tuple[np.ndarray, np.ndarray]]
"""(inner-window MASEs, eval forecasts, inner errors, inner scales) -> (forecast, errors)."""


def cache_set(name: str, root: Path, nn5_series: int, cache: Path) -> dict[str, Any]:
    """Every candidate's 28-day point forecast from every cut-off, with CPU per fit."""
    path = cache / f"{name}.pkl"
    if path.exists():
        cached: dict[str, Any] = pickle.loads(path.read_bytes())
        return cached
    data = load_series_set(name, root)
    n, periods = data.values.shape
    rows = list(range(n))
    if name == "nn5_atm" and nn5_series < n:
        rows = sorted({int(i) for i in np.linspace(0, n - 1, nn5_series).round()})
    cuts = [periods - H * k for k in range(1, CUTS + 1)]
    out: dict[str, Any] = {"rows": rows, "fc": {}, "cpu": {}}
    for model in MODELS:
        started = _cpu()
        forecasts: dict[tuple[int, int], np.ndarray | None] = {}
        for row in rows:
            for cut in cuts:
                train = TimeSeries(data.values[row, :cut], data.dates[:cut])
                try:
                    forecasts[row, cut] = make_model(model).fit(train).predict(H, ()).mean
                except Exception:  # a failed fit is simply not a candidate there
                    forecasts[row, cut] = None
        out["fc"][model] = forecasts
        out["cpu"][model] = (_cpu() - started) / (len(rows) * len(cuts))
        print(f"{name} {model}: {out['cpu'][model]:.3f} CPU s per fit", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def _cpu() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _scale(train: np.ndarray, active_only: bool) -> float:
    """In-sample weekly seasonal-naive MAE (``auto`` uses the active history, as it fits)."""
    if active_only and np.any(train):
        train = train[int(np.flatnonzero(train)[0]) :]
    scale = float(np.mean(np.abs(train[7:] - train[:-7]))) if train.size > 7 else math.nan
    return scale if scale > 0 else math.nan


def _mean_key(scores: np.ndarray) -> float:
    value = float(np.nanmean(scores)) if np.isfinite(scores).any() else math.inf
    return value if math.isfinite(value) else math.inf


def top(k: int, median: bool = False) -> Rule:
    def rule(
        inner: Pools, forecasts: Pools, errors: Pools, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        names = sorted(inner, key=lambda m: _mean_key(inner[m]))[:k]
        pool = np.median if median else np.mean
        return (pool(np.stack([forecasts[m] for m in names]), axis=0),
                pool(np.stack([errors[m] for m in names]), axis=0))  # fmt: skip

    return rule


def within(slack: float) -> Rule:
    def rule(
        inner: Pools, forecasts: Pools, errors: Pools, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        names = sorted(inner, key=lambda m: _mean_key(inner[m]))
        best = _mean_key(inner[names[0]])
        names = [m for m in names if _mean_key(inner[m]) <= (1 + slack) * best]
        return (np.mean([forecasts[m] for m in names], axis=0),
                np.mean([errors[m] for m in names], axis=0))  # fmt: skip

    return rule


def chosen_by_backtest(sizes: Sequence[int], margin: float = 0.0) -> Rule:
    """The mean of the best k candidates, k from ``sizes`` chosen by the combination's own
    inner-window MASE (errors are linear, so its backtest costs nothing); a larger k must win
    by ``margin``, a smaller one is preferred on ties."""

    def rule(
        inner: Pools, forecasts: Pools, errors: Pools, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        names = sorted(inner, key=lambda m: _mean_key(inner[m]))
        best_k, best_score = sizes[0], math.inf
        for k in sizes:
            errs = np.mean([errors[m] for m in names[:k]], axis=0)
            score = _mean_key(np.abs(errs).mean(axis=1) / scales)
            if score < best_score * (1 - margin):
                best_k, best_score = k, score
        chosen = names[:best_k]
        return (np.mean([forecasts[m] for m in chosen], axis=0),
                np.mean([errors[m] for m in chosen], axis=0))  # fmt: skip

    return rule


def weighted(k: int) -> Rule:
    """The best k weighted by inverse inner MASE."""

    def rule(
        inner: Pools, forecasts: Pools, errors: Pools, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        names = sorted(inner, key=lambda m: _mean_key(inner[m]))[:k]
        keys = np.array([_mean_key(inner[m]) for m in names])
        w = 1 / np.maximum(keys, 1e-9) if np.isfinite(keys).all() else np.ones(len(names))
        w = w / w.sum()
        return (np.tensordot(w, np.stack([forecasts[m] for m in names]), axes=1),
                np.tensordot(w, np.stack([errors[m] for m in names]), axes=1))  # fmt: skip

    return rule


def dominant(margin: float | None, k: int = 3, ratio: float = math.inf) -> Rule:
    """The best alone when it beats the runner-up in every inner window by ``margin`` (None:
    never), else the mean of the best ``k`` (dropping those more than ``ratio`` × the best's
    MASE)."""

    def rule(
        inner: Pools, forecasts: Pools, errors: Pools, scales: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        names = sorted(inner, key=lambda m: _mean_key(inner[m]))
        runner_up = inner[names[1]] if len(names) > 1 else None
        if (
            margin is not None
            and runner_up is not None
            and np.all(inner[names[0]] <= (1 - margin) * runner_up)
        ):
            chosen = names[:1]
        else:
            best = _mean_key(inner[names[0]])
            chosen = [m for m in names[:k] if _mean_key(inner[m]) <= ratio * best]
        return (np.mean([forecasts[m] for m in chosen], axis=0),
                np.mean([errors[m] for m in chosen], axis=0))  # fmt: skip

    return rule


RULES: dict[str, Rule] = {
    "best": top(1),
    "mean of best 2": top(2),
    "mean of best 3": top(3),
    "median of best 3": top(3, median=True),
    "mean within 10 % of best": within(0.10),
    "k in 1..3 by the mean's backtest": chosen_by_backtest((1, 2, 3)),
    "k in 1..3 by backtest, 3 % margin": chosen_by_backtest((1, 2, 3), 0.03),
    "k in 1..5 by backtest": chosen_by_backtest((1, 2, 3, 4, 5)),
    "inverse-MASE weights, best 3": weighted(3),
    "best if it wins every window, else mean of 3": dominant(0.0),
    "best if it wins every window by 5 %, else mean of 3": dominant(0.05),
    "best if it wins every window by 10 %, else mean of 3": dominant(0.10),
    "mean of best 3 within 1.5x": dominant(None, ratio=1.5),
    "best if wins every window, else mean of 3 within 1.5x": dominant(0.0, ratio=1.5),
}


def pooled(mean: np.ndarray, errors: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray]:
    """``models/conformal.py``: one width from all windows' and steps' absolute errors."""
    width = _conformal(np.abs(errors).ravel(), level)
    return mean - width, mean + width


def weekly(mean: np.ndarray, errors: np.ndarray, level: int) -> tuple[np.ndarray, np.ndarray]:
    """A width per week of the horizon (21 errors each), never shrinking."""
    widths = [_conformal(np.abs(errors[:, 7 * w : 7 * w + 7]).ravel(), level) for w in range(4)]
    width = np.repeat(np.maximum.accumulate(widths), 7)
    return mean - width, mean + width


def _conformal(errors: np.ndarray, level: int) -> float:
    rank = min(errors.size, math.ceil((errors.size + 1) * level / 100))
    return float(np.sort(errors)[rank - 1])


Interval = Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def simulate(
    name: str, root: Path, cached: dict[str, Any], how: tuple[Sequence[str], Rule, Interval]
) -> tuple[float, float, float]:
    """Mean eval-window MASE and 80/95 % coverage of (candidates, rule, interval method)."""
    models, rule, interval = how
    data = load_series_set(name, root)
    periods = data.values.shape[1]
    mases: list[float] = []
    covered: dict[int, list[float]] = {80: [], 95: []}
    for row in cached["rows"]:
        values = data.values[row]
        for k in range(1, 5):
            cut = periods - H * k
            inner, forecasts, errors = {}, {}, {}
            scales = np.array([_scale(values[: cut - H * j], True) for j in (3, 2, 1)])
            for model in models:
                past = [(cut - H * j, cached["fc"][model][row, cut - H * j]) for j in (3, 2, 1)]
                if any(f is None for _, f in past) or cached["fc"][model][row, cut] is None:
                    continue
                errs = np.stack([values[c : c + H] - f for c, f in past])
                inner[model] = np.abs(errs).mean(axis=1) / scales
                forecasts[model], errors[model] = cached["fc"][model][row, cut], errs
            mean, errs = rule(inner, forecasts, errors, scales)
            mean, actual = np.clip(mean, 0, None), values[cut : cut + H]
            mases.append(np.abs(actual - mean).mean() / _scale(values[:cut], False))
            for level, shares in covered.items():
                low, high = (np.clip(b, 0, None) for b in interval(mean, errs, level))
                shares.append(float(np.mean((actual >= low) & (actual <= high))))
    finite = [m for m in mases if math.isfinite(m)]
    return float(np.mean(finite)), float(np.mean(covered[80])), float(np.mean(covered[95]))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SERIES_SETS), choices=SERIES_SETS)
    parser.add_argument("--nn5-series", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/auto-rules"))
    parser.add_argument("--evalsets", type=Path, default=None)
    args = parser.parse_args(argv)
    root = args.evalsets or Settings().resolved_evalsets
    started = time.perf_counter()
    for name in args.sets:
        cached = cache_set(name, root, args.nn5_series, args.cache)
        cpu = ", ".join(f"{m} {c:.3f}" for m, c in cached["cpu"].items())
        print(f"\n### {name}\n\nCPU s per candidate fit: {cpu}\n")
        print("| candidates | rule | MASE | cov 80 (pooled) | cov 95 (pooled) | cov 80 (weekly) |")
        print("|---|---|---|---|---|---|")
        for label, models in CANDIDATE_SETS.items():
            for rule_name, rule in RULES.items():
                mase, c80, c95 = simulate(name, root, cached, (models, rule, pooled))
                _, w80, _ = simulate(name, root, cached, (models, rule, weekly))
                print(f"| {label} | {rule_name} | {mase:.3f} | {c80:.2f} | {c95:.2f} | {w80:.2f} |")
    print(f"\n{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
