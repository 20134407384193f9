"""Give freed memory back to the operating system after large, short-lived allocations.

Loading a dataset or a model allocates far more temporarily than it keeps; glibc's allocator
and pyarrow's pool hold on to the freed pages, so a long-running API process would report (and
keep) the high-water mark. Called after such steps, not in hot paths: trimming walks the heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache
from typing import Any

import pyarrow as pa

__all__ = ["release_free_memory"]


def release_free_memory() -> None:
    """Collect garbage, empty pyarrow's pool of unused blocks and trim glibc's heap."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def _libc() -> Any:
    """glibc, when this is a glibc system (``malloc_trim`` is glibc-only)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None
