"""chainrule's benchmark suite: ``python -m benchmarks [--quick] [--only W3] [--json out.json]``.

The runner (``runner.py``) drives one worker process per library (``worker.py``), each
pinned to one thread, over JSON lines on stdin/stdout, and interleaves them: repetition r
times every library in turn. Each ``lib_*.py`` module implements every workload of
``workloads.py`` in one library; ``lib_numpy.py`` is the chain rule applied by hand, the
floor for a NumPy-based library. ``report.py`` prints the tables and the targets.

Nothing here is imported by chainrule, and nothing here imports a library at import time:
the worker sets the thread variables before the library it hosts is loaded.
"""

# One thread per library: set in every worker before NumPy or the library is imported.
THREAD_ENV = {
    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1", "PJRT_NPROC": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
}
