"""Queue analytics endpoints on the hand-checked data set (see tests/factories.py)."""

from __future__ import annotations

import pytest
from factories import LOADS, TOTAL_LOAD
from fastapi.testclient import TestClient


def test_queues_grouped_by_level_busiest_first(client: TestClient) -> None:
    body = client.get("/api/queues").json()

    assert body["total_load"] == TOTAL_LOAD
    assert set(body["queues_by_level"]) == {"1", "2", "3"}
    level1 = body["queues_by_level"]["1"]
    assert [(q["id"], q["load"]) for q in level1] == [(10, 84), (1, 68)]
    assert level1[1] == {"id": 1, "name": "Billing", "load": 68, "level": 1}
    loads = {q["id"]: q["load"] for level in body["queues_by_level"].values() for q in level}
    assert loads == LOADS


def test_historical_daily_includes_descendants(client: TestClient) -> None:
    body = client.get("/api/historical", params={"queue_id": 1}).json()

    assert body["granularity"] == "daily"
    assert body["timestamps"][:2] == ["2017-01-02", "2017-01-03"]
    assert len(body["values"]) == 28
    assert body["values"][:7] == [3, 3, 3, 3, 3, 1, 1]
    assert sum(body["values"]) == LOADS[1]


@pytest.mark.parametrize(
    ("granularity", "timestamps", "values"),
    [
        ("weekly", ["2017-01-08", "2017-01-15", "2017-01-22", "2017-01-29"], [17, 17, 17, 17]),
        ("monthly", ["2017-01-31"], [68]),
    ],
)
def test_historical_resampled(
    client: TestClient, granularity: str, timestamps: list[str], values: list[int]
) -> None:
    body = client.get("/api/historical", params={"queue_id": 1, "granularity": granularity}).json()
    assert (body["timestamps"], body["values"]) == (timestamps, values)


def test_historical_date_range_and_root(client: TestClient) -> None:
    params = {"queue_id": 0, "start_date": "2017-01-07", "end_date": "2017-01-09"}
    body = client.get("/api/historical", params=params).json()
    # Saturday, Sunday: 1 + 3 + 1 (queue 4, 11, unknown); Monday adds queue 1's 2.
    assert body == {
        "queue_id": 0,
        "values": [5, 5, 7],
        "timestamps": ["2017-01-07", "2017-01-08", "2017-01-09"],
        "granularity": "daily",
    }


def test_daily_average_accepts_original_parameter_names(client: TestClient) -> None:
    expected = [3.0, 3.0, 3.0, 3.0, 3.0, 1.0, 1.0]
    for params in (
        {"queue_id": 1, "start_date": "2017-01-02", "end_date": "2017-01-29"},
        {"queue_id": 1, "date_start": "2017-01-02", "date_end": "2017-01-29"},
    ):
        body = client.get("/api/daily_average", params=params).json()
        assert body["weekdays"][0] == "Monday"
        assert body["average_load"] == expected


def test_weekly_average(client: TestClient) -> None:
    body = client.get("/api/weekly_average/1").json()
    assert body["week"] == ["week 1", "week 2", "week 3", "week 4"]
    assert body["average_load"] == pytest.approx([17 / 7] * 4)
    assert body["week_start"][0] == "2017-01-02"


def test_queue_stats_blocks(client: TestClient) -> None:
    params = {"queue_id": 1, "start_date": "2017-01-02", "end_date": "2017-01-29"}
    body = client.get("/api/queue_stats", params=params).json()

    assert body["start_date"] == "2017-01-02T00:00:00"
    assert body["structure"] == {
        "level": 1,
        "direct_children": 2,
        "all_descendants": 3,
        "leaf_nodes": 2,
        "depth": 2,
        "parent_id": None,
    }
    load = body["load"]
    assert (load["total_tickets"], load["peak_load"], load["min_load"]) == (68, 3, 1)
    assert load["avg_tickets"] == pytest.approx(68 / 28)
    assert load["median_load"] == 3
    assert body["time"]["busiest_day"] == "2017-01-02T00:00:00"
    assert body["time"]["quietest_day"] == "2017-01-07T00:00:00"
    assert (body["time"]["weekday_avg"], body["time"]["weekend_avg"]) == (3.0, 1.0)


def test_legacy_ts_prefix_is_an_alias(client: TestClient) -> None:
    assert client.get("/ts/api/queues").json() == client.get("/api/queues").json()
    assert client.get("/ts/api/queue_stats", params={"queue_id": 4}).status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/historical", {"queue_id": 12345}, 404, "queue_not_found"),
        ("/api/weekly_average/12345", {}, 404, "queue_not_found"),
        ("/api/queue_stats", {"queue_id": 777}, 404, "queue_not_found"),
        (
            "/api/historical",
            {"queue_id": 1, "start_date": "2017-01-20", "end_date": "2017-01-10"},
            422,
            "invalid_date_range",
        ),
        (
            "/api/daily_average",
            {"queue_id": 1, "start_date": "2019-01-01", "end_date": "2019-02-01"},
            422,
            "date_range_outside_data",
        ),
        ("/api/historical", {"queue_id": 1, "start_date": "2017-13-01"}, 422, "invalid_request"),
        ("/api/historical", {"queue_id": "abc"}, 422, "invalid_request"),
        ("/api/historical", {"queue_id": 1, "granularity": "hourly"}, 422, "invalid_request"),
        ("/api/historical", {}, 422, "invalid_request"),
    ],
)
def test_bad_input_gets_clear_4xx(
    client: TestClient, path: str, params: dict[str, object], status: int, code: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    body = response.json()
    assert body["status"] == "error"
    assert body["code"] == code
    assert body["message"]
    assert "Traceback" not in body["message"]


def test_invalid_date_message_names_the_parameter(client: TestClient) -> None:
    body = client.get("/api/historical", params={"queue_id": 1, "start_date": "2017-13-01"}).json()
    assert "start_date" in body["message"]


def test_unknown_route_is_json_404(client: TestClient) -> None:
    response = client.get("/api/nope")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_queue_children_steps_down_the_tree(client: TestClient) -> None:
    top = client.get("/api/queue_children").json()
    assert top["queue_id"] == 0
    assert top["path"] == []
    assert [(q["id"], q["load"]) for q in top["children"]] == [(10, 84), (1, 68)]

    billing = client.get("/api/queue_children", params={"queue_id": 1}).json()
    assert [(q["id"], q["load"]) for q in billing["children"]] == [(2, 28), (3, 0)]
    assert [q["id"] for q in billing["path"]] == [1]

    deep = client.get("/api/queue_children", params={"queue_id": 4}).json()
    assert deep["children"] == []
    assert [q["id"] for q in deep["path"]] == [1, 2, 4]
    assert deep["level"] == 3
    assert deep["name"] == "Refunds tier 2"


def test_queue_children_of_unknown_queue_is_404(client: TestClient) -> None:
    response = client.get("/api/queue_children", params={"queue_id": 999})
    assert response.status_code == 404
    assert response.json()["code"] == "queue_not_found"
