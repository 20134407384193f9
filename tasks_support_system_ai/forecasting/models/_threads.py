"""One BLAS/OpenMP thread per model: its matrices are tiny, and threads only add contention.

A queue's series has at most a few thousand points; SARIMA's state matrices and the boosting
data are small. Extra threads buy nothing there, while on a busy host their spin-waiting made
fits several times slower (docs/benchmarks.md, "Figures behind the code").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["single_threaded"]


@contextmanager
def single_threaded() -> Iterator[None]:
    # threadpoolctl ships with scikit-learn (a hard requirement of it).
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield
