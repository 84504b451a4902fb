"""The project's ASGI application under uvicorn, for tests of what only ASGI serves
(Server-Sent Events: quizzes.views.events), in a thread of the test process or in a
process of its own. Both serve the test database, as pytest-django's live_server does.
"""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what, seconds=START_SECONDS):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {seconds} s for {what}")
        time.sleep(0.05)


@contextlib.contextmanager
def in_thread():
    """Yield the base URL of the app (openquizz.asgi) served by uvicorn from a thread of
    this process, its static files found as `manage.py runserver` finds them (as
    live_server does)."""
    import uvicorn
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    from openquizz.asgi import application

    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=free_port(),
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started, "uvicorn to start")
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(START_SECONDS)


def listening(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def in_process():
    """Yield (base URL, Popen) of the app served by `uvicorn openquizz.asgi:application`
    in a process of its own (one worker), on this run's test database."""
    database = settings.DATABASES["default"]
    port = free_port()
    environment = {
        **os.environ,
        "MONGODB_URI": database["HOST"],
        "MONGODB_NAME": database["NAME"],
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-test-only-key-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    command = [sys.executable, "-m", "uvicorn", "openquizz.asgi:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=environment)
    try:
        wait_for(lambda: process.poll() is not None or listening(port), "uvicorn to listen")
        assert process.poll() is None, "uvicorn exited"
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.terminate()
        try:
            process.wait(START_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
