"""The ``support-ai`` command line.

The service runs many small numeric fits in threads on few cores; letting each BLAS/OpenMP
call start its own thread pool oversubscribes the CPU (a gradient-boosting fit became a hundred
times slower: docs/benchmarks.md). One thread per call is the default unless the environment
says otherwise; this must happen before numpy is imported, hence here.
"""

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
