"""Every job kind's typed parameters survive the JSON a job record stores them as."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from tasks_support_system_ai.analytics import Granularity
from tasks_support_system_ai.forecasting.runs import RunSpec
from tasks_support_system_ai.forecasting.service import BacktestParams
from tasks_support_system_ai.labeling import TimeRange
from tasks_support_system_ai.labeling.service import LabelingParams
from tasks_support_system_ai.nlp.service import NlpFitParams
from tasks_support_system_ai.nlp.topics import ClusteringFitParams


def _stored(params: Any) -> dict[str, Any]:
    """What a job record gives back: the params' JSON, written and read as text."""
    loaded: dict[str, Any] = json.loads(json.dumps(params.to_json()))
    return loaded


def test_run_spec_round_trips_and_keeps_its_run_ids() -> None:
    spec = RunSpec(14, Granularity.WEEKLY, date(2024, 3, 31), "wls_struct", (90,), "auto")
    assert RunSpec.from_json(_stored(spec)) == spec
    assert RunSpec.from_json(_stored(RunSpec())) == RunSpec()
    data = SimpleNamespace(
        tickets=SimpleNamespace(content_hash="t"), hierarchy=SimpleNamespace(content_hash="h")
    )
    # The id stored runs were saved under before RunSpec had its own JSON form.
    before = json.dumps(["t", "h", asdict(spec)], default=str)
    assert json.dumps(["t", "h", spec.to_json()]) == before
    assert spec.run_id(data) == RunSpec.from_json(_stored(spec)).run_id(data)  # type: ignore[arg-type]


def test_backtest_params_round_trip() -> None:
    params = BacktestParams(3, "sarima", Granularity.MONTHLY, 6, windows=2, step=1, levels=(95,))
    assert BacktestParams.from_json(_stored(params)) == params


def test_nlp_params_round_trip() -> None:
    fit = NlpFitParams("m1", "logistic", {"C": 10}, {"normaliser": "stem"}, "production")
    assert NlpFitParams.from_json(_stored(fit)) == fit
    clustering = ClusteringFitParams("c1", {"k_min": 2, "k_max": 5})
    assert ClusteringFitParams.from_json(_stored(clustering)) == clustering


def test_labeling_params_round_trip() -> None:
    ranges = (
        TimeRange(datetime(2024, 1, 1), datetime(2024, 1, 15)),
        TimeRange(datetime(2024, 1, 15), datetime(2024, 2, 1), closed_end=True),
    )
    params = LabelingParams(
        source={"kind": "parquet", "file": "t.parquet"},
        ranges=ranges,
        rules=[{"keyword": "роуминг", "label": "roaming", "priority": 10}],
        default_label="other",
        batch_rows=1000,
    )
    stored = _stored(params)
    assert stored["parts"] == 2
    assert LabelingParams.from_json(stored) == params
