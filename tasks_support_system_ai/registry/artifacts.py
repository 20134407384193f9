"""Model artifacts in skops format: loading never runs arbitrary code.

``pickle`` would execute whatever a crafted file asks for, so artifacts are written with skops
and loaded only if every type they name comes from an allow-listed package.
"""

from __future__ import annotations

from typing import Any

from tasks_support_system_ai.errors import InvalidInputError

TRUSTED_PREFIXES = (
    "sklearn.",
    "numpy.",
    "scipy.",
    "tasks_support_system_ai.",
)


def dump_artifact(model: Any) -> bytes:
    import skops.io as sio  # here, not at import: it loads scikit-learn

    data: bytes = sio.dumps(model)
    return data


def load_artifact(data: bytes) -> Any:
    """Load a skops artifact, refusing any type outside the trusted packages."""
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as error:
        raise InvalidInputError(
            f"Not a readable skops model artifact: {error}", code="invalid_artifact"
        ) from error
    refused = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if refused:
        raise InvalidInputError(
            f"Model artifact uses untrusted types: {', '.join(sorted(refused)[:10])}",
            code="untrusted_artifact",
            types=sorted(refused),
        )
    return sio.loads(data, trusted=untrusted)
