"""Data status, samples, uploads, versions and reload."""

from __future__ import annotations

from factories import UNKNOWN_QUEUE_TICKETS, tickets_frame, to_csv
from fastapi.testclient import TestClient


def _upload(
    client: TestClient, content: bytes, df_type: str | None = "tickets", name: str = "f.csv"
):
    data = {"df_type": df_type} if df_type else {}
    return client.post("/api/upload_data", files={"file": (name, content, "text/csv")}, data=data)


def _active_ids(client: TestClient) -> set[int]:
    return {v["id"] for v in client.get("/api/datasets").json() if v["active"]}


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").status_code == 200


def test_empty_service_is_not_ready(empty_client: TestClient) -> None:
    assert empty_client.get("/ready").status_code == 503
    status = empty_client.get("/api/data-status").json()
    assert status["status"] is False
    response = empty_client.get("/api/queues")
    assert response.status_code == 503
    assert response.json()["code"] == "data_not_ready"


def test_data_status(client: TestClient) -> None:
    body = client.get("/api/data-status").json()
    assert body["status"] is True
    assert body["message"] == "success"
    assert body["synthetic"] is True
    assert body["tickets"]["rows"] == len(tickets_frame())
    assert body["unknown_queue_tickets"] == UNKNOWN_QUEUE_TICKETS


def test_uploaded_real_tickets_on_the_demo_hierarchy_are_not_synthetic(client: TestClient) -> None:
    doubled = tickets_frame().assign(new_tickets=lambda f: f["new_tickets"] * 3)
    files = {"file": ("mine.csv", to_csv(doubled), "text/csv")}
    assert client.post("/api/upload_data", data={"df_type": "tickets"}, files=files).is_success
    body = client.get("/api/data-status").json()
    assert body["synthetic"] is False
    assert (body["tickets"]["synthetic"], body["hierarchy"]["synthetic"]) == (False, True)


def test_sample_data_in_upload_format(client: TestClient) -> None:
    body = client.get("/api/sample_data", params={"df_type": "tickets", "rows": 2}).json()
    assert body["columns"] == ["queueId", "date", "new_tickets"]
    assert body["shape"] == [len(tickets_frame()), 3]
    assert body["data"][0] == {"queueId": 1, "date": "2017-01-02T00:00:00", "new_tickets": 2}
    hierarchy = client.get("/api/sample_data", params={"df_type": "hierarchy"}).json()
    assert hierarchy["columns"] == ["queueId", "parentId", "name"]
    assert {"queueId": 1, "parentId": None, "name": "Billing"} in hierarchy["data"]


def test_sample_data_rejects_unknown_type(client: TestClient) -> None:
    response = client.get("/api/sample_data", params={"df_type": "users"})
    assert response.status_code == 422
    assert "df_type" in response.json()["message"]


def test_upload_creates_new_active_version(client: TestClient) -> None:
    doubled = tickets_frame().assign(new_tickets=lambda f: f["new_tickets"] * 2)
    response = _upload(client, to_csv(doubled))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success"
    assert body["created"] is True
    assert body["version"]["source"] == "upload"
    assert body["version"]["active"]
    assert any("absent from the hierarchy" in w for w in body["warnings"])
    assert client.get("/api/queues").json()["total_load"] == 360
    assert len(client.get("/api/datasets", params={"kind": "tickets"}).json()) == 2


def test_upload_df_type_as_query_parameter(client: TestClient) -> None:
    content = to_csv(tickets_frame().head(3))
    response = client.post(
        "/api/upload_data?df_type=tickets", files={"file": ("f.csv", content, "text/csv")}
    )
    assert response.status_code == 200


def test_invalid_upload_is_rejected_and_changes_nothing(client: TestClient) -> None:
    before = (_active_ids(client), client.get("/api/queues").json())
    bad = b"queueId,date,new_tickets\n1,2017-01-02,5\n1,2017-01-03,-2\n"

    response = _upload(client, bad)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "negative_count"
    assert "new_tickets" in body["message"]
    assert "2" in body["message"]
    assert (_active_ids(client), client.get("/api/queues").json()) == before
    assert len(client.get("/api/datasets").json()) == 2


def test_upload_errors(client: TestClient) -> None:
    assert _upload(client, b"", name="empty.csv").json()["code"] == "empty_file"
    missing = _upload(client, b"queueId,date\n1,2017-01-02\n")
    assert missing.json()["code"] == "missing_columns"
    assert (
        _upload(client, to_csv(tickets_frame()), df_type=None).json()["code"] == "missing_df_type"
    )
    too_big = _upload(client, b"queueId,date,new_tickets\n" + b"1,2017-01-02,1\n" * 5000)
    assert too_big.status_code == 413
    assert too_big.json()["code"] == "file_too_large"
    wrong_type = _upload(client, to_csv(tickets_frame()), df_type="users")
    assert wrong_type.status_code == 422


def test_same_file_twice_is_one_version(client: TestClient) -> None:
    content = to_csv(tickets_frame().head(20))
    assert _upload(client, content).json()["created"] is True
    again = _upload(client, content).json()
    assert again["created"] is False


def test_reload_local_data_restores_defaults(client: TestClient) -> None:
    _upload(client, to_csv(tickets_frame().head(5)))
    assert client.get("/api/queues").json()["total_load"] != 180

    body = client.post("/api/reload_local_data").json()

    assert body == {"status": "data reloaded", "message": "success"}
    assert client.get("/api/queues").json()["total_load"] == 180


def test_activate_previous_version(client: TestClient) -> None:
    original = next(v for v in client.get("/api/datasets", params={"kind": "tickets"}).json())
    _upload(client, to_csv(tickets_frame().head(5)))

    response = client.post(f"/api/datasets/{original['id']}/activate")

    assert response.status_code == 200
    assert client.get("/api/queues").json()["total_load"] == 180
    assert client.post("/api/datasets/9999/activate").status_code == 404
