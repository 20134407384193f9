"""Per-component random streams, so changing one generator never shifts another's data."""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, component: str) -> np.random.Generator:
    """Independent stream for ``component``; stable for a given seed."""
    return np.random.default_rng([seed, zlib.crc32(component.encode())])


def python_seed(rng: np.random.Generator) -> int:
    """Seed for ``random.Random`` where many tiny scalar draws make numpy slow."""
    return int(rng.integers(0, 2**63 - 1))
