"""gunicorn hooks for Prometheus metrics across several workers (README "Logs and metrics").

Each gunicorn worker is a process with its own counters. With
PROMETHEUS_MULTIPROC_DIR set (an empty directory the workers may write to),
prometheus_client keeps every process's values in files there and /metrics
adds them up, whichever worker answers. Use it with:

    PROMETHEUS_MULTIPROC_DIR=/tmp/openquizz-metrics \\
        gunicorn -c python:openquizz.gunicorn_conf openquizz.asgi:application \\
        --worker-class uvicorn_worker.UvicornWorker --workers 3

(the Docker image's command; the hooks serve WSGI workers alike: `make bench`).

Without PROMETHEUS_MULTIPROC_DIR these hooks do nothing.
"""

import os
from pathlib import Path


def on_starting(server):
    """Start from an empty directory: files of an earlier run would be added in."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker that exits keeps its counts; its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
