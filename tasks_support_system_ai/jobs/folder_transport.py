"""kombu's ``filesystem://`` transport with messages published atomically.

kombu writes a message straight into its final file, and a consumer polling the folder may move
and read that file before the bytes are in: it reads an empty message, fails to decode it and
the worker stops ("Unrecoverable error: JSONDecodeError"). Here a message is written under a
name no consumer picks up and then renamed into place, so it appears whole or not at all.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any, Final

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.json import dumps

SCHEME: Final = "supportai-folder"


class Channel(filesystem.Channel):
    # kombu's classes name the second parameter "payload" here and "message" in their base
    def _put(self, queue: str, message: Any, **_: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f"writing-{name}.part")
        with open(partial, "wb") as file:
            file.write(dumps(message).encode())  # type: ignore[no-untyped-call]
        os.replace(partial, final)


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    """Make ``supportai-folder://`` URLs use this transport (in every process that connects)."""
    TRANSPORT_ALIASES[SCHEME] = f"{__name__}:Transport"
