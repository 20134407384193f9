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
from typing import Any, Final

import pyarrow as pa

__all__ = ["keep_large_blocks_returnable", "release_free_memory"]

_M_MMAP_THRESHOLD: Final = -3
_MMAP_THRESHOLD_BYTES: Final = 2 << 20


def keep_large_blocks_returnable() -> None:
    """Serve every allocation of 2 MiB or more by its own mapping, returned to the OS when freed.

    glibc raises this threshold by itself after large blocks are freed (up to 32 MiB), and then
    carves CSV blocks and joined text batches out of a heap it keeps: scoring a large CSV left
    most of it resident, unused. A fixed threshold stops that; it is not lower because every
    fresh mapping is zero-filled by the kernel page by page: at 1 MiB, with a CSV block's dozen
    buffers each mapped anew, the kernel took about half the scoring time; 1 MiB CSV blocks at
    2 MiB reuse the heap instead. Arrow is switched from mimalloc, which keeps freed blocks per
    process, to the system allocator for the same reason (figures: docs/benchmarks.md). Called
    once at process start.
    """
    pa.set_memory_pool(pa.system_memory_pool())
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_BYTES)


def release_free_memory() -> None:
    """Collect garbage, empty pyarrow's pool of unused blocks and trim glibc's heap."""
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@cache
def _libc() -> Any:
    """glibc, when this is a glibc system (``malloc_trim`` and ``mallopt`` are glibc-only)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None
