"""The embedded broker's folder transport: a message is visible only once it is whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from kombu import Connection

from tasks_support_system_ai.jobs import folder_transport


def test_messages_round_trip_and_half_written_files_are_skipped(tmp_path: Path) -> None:
    folder_transport.register()
    options = {
        "data_folder_in": str(tmp_path),
        "data_folder_out": str(tmp_path),
        "control_folder": str(tmp_path / "control"),
    }
    with Connection(f"{folder_transport.SCHEME}://", transport_options=options) as connection:
        queue = connection.SimpleQueue("jobs")
        (tmp_path / "writing-1_x.jobs.msg.part").write_bytes(b"")  # another producer, mid-write
        queue.put({"job": "a"})
        assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".jobs.msg")]
        assert queue.get(timeout=1).payload == {"job": "a"}
        with pytest.raises(queue.Empty):
            queue.get(timeout=0.2)
        queue.close()
