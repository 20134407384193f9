"""ETS picks its form per series by AICc; multiplicative forms only for positive data."""

from __future__ import annotations

import numpy as np
import pytest
from forecast_simulations import days, series_of

from tasks_support_system_ai.errors import InvalidInputError
from tasks_support_system_ai.forecasting.base import TimeSeries
from tasks_support_system_ai.forecasting.models import ExponentialSmoothing
from tasks_support_system_ai.forecasting.models.ets import EtsForm
from tasks_support_system_ai.registry import dump_artifact, load_artifact

LEVELS = (80, 95)


def _weekly(n: int, *, multiplicative: bool, seed: int = 0) -> TimeSeries:
    """A level that doubles over the history with a weekend dip: a swing proportional to
    the level (and noise proportional to it) or a constant one."""
    rng = np.random.default_rng(seed)
    level = np.linspace(50, 100, n)
    weekend = (days(n).astype(np.int64) + 3) % 7 >= 5
    if multiplicative:
        values = level * np.where(weekend, 0.4, 1.0) * rng.lognormal(0, 0.08, n)
    else:
        values = level + np.where(weekend, -30.0, 0.0) + rng.normal(0, 4, n)
    return series_of(values)


def test_multiplicative_season_is_chosen_when_the_swing_grows_with_the_level() -> None:
    model = ExponentialSmoothing().fit(_weekly(600, multiplicative=True))
    assert model.form_ == "MNM"


def test_additive_form_is_chosen_for_a_constant_swing() -> None:
    model = ExponentialSmoothing().fit(_weekly(600, multiplicative=False))
    assert model.form_ in {"ANA", "AAdA"}


def test_zeros_rule_out_multiplicative_forms() -> None:
    series = _weekly(400, multiplicative=True)
    values = series.values.copy()
    values[::50] = 0.0
    model = ExponentialSmoothing(forms=("MNM",)).fit(series_of(values))
    assert model.form_ == "ANA"  # the additive fallback: MNM cannot fit a zero


def test_simulated_intervals_repeat_and_survive_saving() -> None:
    model = ExponentialSmoothing(forms=("MNM",)).fit(_weekly(400, multiplicative=True))
    first, again = model.predict(21, LEVELS), model.predict(21, LEVELS)
    loaded = load_artifact(dump_artifact(model)).predict(21, LEVELS)
    for other in (again, loaded):
        np.testing.assert_allclose(other.mean, first.mean, atol=1e-8)
        for level in LEVELS:
            np.testing.assert_allclose(other.lower[level], first.lower[level], atol=1e-8)
            np.testing.assert_allclose(other.upper[level], first.upper[level], atol=1e-8)
    assert (first.lower[95] <= first.lower[80]).all()
    assert (first.upper[80] <= first.upper[95]).all()


def test_model_saved_before_form_selection_still_loads() -> None:
    model = ExponentialSmoothing(forms=("AAdA",)).fit(_weekly(300, multiplicative=False))
    state = model.__getstate__()
    del state["form_"], state["forms"]
    state["damped_trend"] = True  # what the old, always damped model stored
    old = ExponentialSmoothing.__new__(ExponentialSmoothing)
    old.__setstate__(state)
    assert old.form_ == "AAdA"
    np.testing.assert_allclose(old.predict(14).mean, model.predict(14).mean, atol=1e-8)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ANA", EtsForm("add", None, False, "add")),
        ("AAdA", EtsForm("add", "add", True, "add")),
        ("MNM", EtsForm("mul", None, False, "mul")),
        ("AAN", EtsForm("add", "add", False, None)),
    ],
)
def test_form_codes(code: str, expected: EtsForm) -> None:
    assert EtsForm.parse(code) == expected


@pytest.mark.parametrize("forms", [("XYZ",), ("",), ("AAdQ",), ()])
def test_bad_forms_are_client_errors(forms: tuple[str, ...]) -> None:
    with pytest.raises(InvalidInputError) as error:
        ExponentialSmoothing(forms=forms).fit(_weekly(100, multiplicative=False))
    assert error.value.code == "invalid_ets_form"
