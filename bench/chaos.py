"""Chaos run: the app under gunicorn on a 3-member replica set, writers, four faults.

    make chaos          # or: .venv/bin/python bench/chaos.py [--clients N] [--workers N]
                        #     [--threads N] [--stall S] [--output FILE]

1. Starts a 3-member replica set from the embedded mongod binary (MongoDB's
   default election settings, as in production), migrates a throwaway
   database, creates a teacher, and serves the app with gunicorn (production
   settings: DEBUG off; gthread workers) on a free port.
2. Writer load: N clients, each creating quizzes and adding questions to them
   through the API (POST /api/v1/quizzes/, POST .../questions/), recording
   what every request answered. A probe asks GET /healthz twice a second;
   another inserts with w:"majority" straight through pymongo, to tell what
   the cluster allowed from what the app added.
3. Faults, one at a time, each followed by a settle period: replSetStepDown;
   kill -9 of the primary (restarted after); kill -9 of a secondary
   (restarted after); SIGSTOP of the primary for --stall seconds, then SIGCONT.
4. Checker: every acknowledged quiz and question is stored and in its quiz;
   nothing that answered an error is stored; every quiz's question_count
   matches its slots, and every slot names a stored question.

Prints a table (per fault: election time, longest gap between majority
writes of the cluster probe, unavailability = longest gap between acknowledged
writes of the app, errors by status, 5xx, acknowledged-but-lost,
slowest /healthz) and writes bench/chaos_results.json. Asserts nothing; exits
1 when a write was lost or an invariant broken.
"""

import argparse
import collections
import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from pymongo import MongoClient
from pymongo.errors import PyMongoError
from pymongo.read_concern import ReadConcern

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from sessions_mw.tests.mongod import ReplicaSet, free_port  # noqa: E402

DATABASE = "openquizz_chaos"
TEACHER = "chaos-teacher"
# A client waits this long for an answer; longer than any server-side budget,
# so that every request gets one (no write of unknown outcome).
CLIENT_TIMEOUT = 60
QUESTION = {
    "type": "truefalse",
    "text": "The sky is blue.",
    "answers": [{"text": "True", "fraction": 100}, {"text": "False", "fraction": 0}],
}


class Log:
    """What every request answered: (kind, label, start, end, status, body)."""

    def __init__(self):
        self.records = []
        self.lock = threading.Lock()

    def add(self, *record):
        with self.lock:
            self.records.append(record)

    def successes(self):
        with self.lock:
            return [r for r in self.records if isinstance(r[4], int) and r[4] < 300]


class Writer(threading.Thread):
    """One client: create a quiz, add questions to it, start a new quiz every few."""

    def __init__(self, index, base_url, token, log, stop):
        super().__init__(daemon=True)
        self.index, self.base_url, self.log, self.stop = index, base_url, log, stop
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Token {token}"
        self.counter = itertools.count()

    def post(self, kind, path, body, label):
        start = time.monotonic()
        try:
            response = self.http.post(self.base_url + path, json=body, timeout=CLIENT_TIMEOUT)
            status, payload = response.status_code, response
        except requests.RequestException as exc:
            status, payload = type(exc).__name__, None
        end = time.monotonic()
        data = None
        if payload is not None and isinstance(status, int) and status < 300:
            data = payload.json()
        self.log.add(kind, label, start, end, status, data)
        return status, data

    def run(self):
        quiz = None
        while not self.stop.is_set():
            n = next(self.counter)
            if quiz is None or n % 6 == 0:
                label = f"chaos-{self.index}-{n}"
                status, data = self.post("quiz", "/api/v1/quizzes/", {"title": label}, label)
                if status == 201:
                    quiz = data["id"]
                else:
                    time.sleep(0.2)
                continue
            label = f"q-{self.index}-{n}"
            status, _ = self.post(
                "question",
                f"/api/v1/quizzes/{quiz}/questions/",
                {**QUESTION, "name": label},
                label,
            )
            if not isinstance(status, int) or status >= 500:
                time.sleep(0.2)


class HealthProbe(threading.Thread):
    def __init__(self, base_url, stop):
        super().__init__(daemon=True)
        self.base_url, self.stop = base_url, stop
        self.samples = []  # (start, seconds, status)

    def run(self):
        while not self.stop.is_set():
            start = time.monotonic()
            try:
                status = requests.get(self.base_url + "/healthz", timeout=30).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.samples.append((start, time.monotonic() - start, status))
            time.sleep(0.5)


class ClusterProbe(threading.Thread):
    """What the cluster allows, without the app: a w:"majority" insert every 0.2 s."""

    def __init__(self, uri, stop):
        super().__init__(daemon=True)
        self.uri, self.stop = uri, stop
        self.successes = []  # end times

    def run(self):
        options = {"timeoutMS": 2000, "heartbeatFrequencyMS": 2000, "connectTimeoutMS": 2000}
        with MongoClient(self.uri, w="majority", **options) as client:
            collection = client[DATABASE].chaos_probe
            while not self.stop.is_set():
                try:
                    collection.insert_one({"at": time.time()})
                    self.successes.append(time.monotonic())
                except PyMongoError:
                    time.sleep(0.1)
                time.sleep(0.2)


# -- faults ---------------------------------------------------------------------
def wait_for_new_primary(replica_set, old, start):
    """Seconds from `start` until a member other than `old` is writable primary."""
    while True:
        primary = replica_set.primary()
        if primary is not old:
            return time.monotonic() - start
        time.sleep(0.1)


def step_down(replica_set, settle):
    start = time.monotonic()
    old = replica_set.step_down(seconds=30)
    election = wait_for_new_primary(replica_set, old, start)
    time.sleep(settle)
    return start, election


def kill(replica_set, settle, primary):
    """kill -9 of the primary (or of a secondary), restarted after `settle` seconds."""
    current = replica_set.primary()
    victim = current if primary else next(m for m in replica_set.members if m is not current)
    start = time.monotonic()
    ReplicaSet.kill(victim)
    election = wait_for_new_primary(replica_set, victim, start) if primary else None
    time.sleep(settle)
    ReplicaSet.restart(victim)
    replica_set.wait_until_healthy()
    return start, election


def stall_primary(replica_set, stall):
    old = replica_set.primary()
    start = time.monotonic()
    old.process.send_signal(signal.SIGSTOP)
    try:
        election = wait_for_new_primary(replica_set, old, start)
        time.sleep(max(0.0, stall - (time.monotonic() - start)))
    finally:
        old.process.send_signal(signal.SIGCONT)
    time.sleep(10)
    replica_set.wait_until_healthy()
    return start, election


# -- measures -------------------------------------------------------------------
def longest_gap(times, start, end):
    ends = sorted(t for t in times if start - 5 <= t <= end)
    return round(max((b - a for a, b in itertools.pairwise(ends)), default=end - start), 1)


def phase_row(name, log, probe, cluster, start, end, election):
    records = [r for r in log.records if start <= r[2] < end or start <= r[3] < end]
    errors = collections.Counter(
        str(r[4]) for r in records if not (isinstance(r[4], int) and r[4] < 300)
    )
    health = [s for s in probe.samples if start <= s[0] < end]
    return {
        "fault": name,
        "election_s": None if election is None else round(election, 1),
        "cluster_unavailability_s": longest_gap(cluster.successes, start, end),
        "unavailability_s": longest_gap([r[3] for r in log.successes()], start, end),
        "requests": len(records),
        "errors": dict(errors),
        "5xx": sum(n for status, n in errors.items() if status.isdigit() and int(status) >= 500),
        "healthz_max_s": round(max((s[1] for s in health), default=0.0), 2),
        "healthz_not_200": sum(1 for s in health if s[2] != 200),
    }


def check(uri, log):
    """Acknowledged-but-lost, unacknowledged-but-visible, broken invariants."""
    with MongoClient(uri) as client:
        db = client.get_database(DATABASE, read_concern=ReadConcern("majority"))
        quizzes = {str(q["_id"]): q for q in db.quizzes_quiz.find({"title": {"$regex": "^chaos-"}})}
        titles = {q["title"] for q in quizzes.values()}
        questions = {str(q["_id"]): q for q in db.quizzes_question.find({}, {"name": 1})}
        names = {q.get("name") for q in questions.values()}
    lost, visible = [], []
    slot_questions = {
        str(slot["question"]): quiz_id
        for quiz_id, quiz in quizzes.items()
        for slot in quiz.get("slots", [])
    }
    for kind, label, _start, _end, status, data in log.records:
        acknowledged = isinstance(status, int) and status < 300
        if kind == "quiz":
            if acknowledged and data["id"] not in quizzes:
                lost.append(label)
            if not acknowledged and label in titles:
                visible.append((label, status))
        else:
            if acknowledged and (data["id"] not in questions or data["id"] not in slot_questions):
                lost.append(label)
            if not acknowledged and label in names:
                visible.append((label, status))
    broken = []
    for quiz_id, quiz in quizzes.items():
        slots = quiz.get("slots", [])
        if quiz.get("question_count") != len(slots):
            broken.append(f"{quiz_id}: question_count {quiz.get('question_count')} != {len(slots)}")
        missing = [s["question"] for s in slots if str(s["question"]) not in questions]
        if missing:
            broken.append(f"{quiz_id}: slots name missing questions {missing}")
    return lost, visible, broken


# -- the app --------------------------------------------------------------------
def app_environment(uri, port, metrics_dir):
    return {
        **os.environ,
        "MONGODB_URI": uri,
        "MONGODB_NAME": DATABASE,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "CHAOS_PASSWORD": "chaos-" + secrets.token_urlsafe(12),
    }


def start_app(env, port, args, log_file):
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--verbosity", "0"], cwd=BASE_DIR, env=env, check=True
    )
    subprocess.run(
        [python, "manage.py", "createteacher", TEACHER, "--password-from-env", "CHAOS_PASSWORD"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    gunicorn = [
        python, "-m", "gunicorn", "openquizz.wsgi",
        "-c", "python:openquizz.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers),
        "--worker-class", "gthread", "--threads", str(args.threads),
        "--timeout", "120",
    ]  # fmt: skip
    server = subprocess.Popen(
        gunicorn, cwd=BASE_DIR, env=env, stdout=log_file, stderr=log_file, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(base_url + "/healthz", timeout=5).status_code == 200:
                return server, base_url
        except requests.RequestException:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("gunicorn did not start; see its log")
        time.sleep(0.3)


def print_table(rows, lost, visible, broken):
    print()
    print(
        "| fault | election (s) | majority writes stopped (s) | app unavailability (s) "
        "| requests | errors by status | 5xx | acknowledged but lost | /healthz slowest (s) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(row["errors"].items())) or "none"
        election = "-" if row["election_s"] is None else row["election_s"]
        print(
            f"| {row['fault']} | {election} | {row['cluster_unavailability_s']} "
            f"| {row['unavailability_s']} | {row['requests']} "
            f"| {errors} | {row['5xx']} | {row.get('lost', 0)} | {row['healthz_max_s']} |"
        )
    print()
    print(f"acknowledged but lost: {len(lost)} {lost[:10]}")
    print(f"answered an error but stored: {len(visible)} {visible[:10]}")
    print(f"broken invariants: {len(broken)} {broken[:10]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--stall", type=float, default=60)
    parser.add_argument("--settle", type=float, default=20)
    parser.add_argument(
        "--faults", default="1234", help="which faults, in order (1: step-down ... 4: SIGSTOP)"
    )
    parser.add_argument("--app-log", help="keep gunicorn's log in this file")
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "chaos_results.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="openquizz-chaos-") as tmp:
        tmp = Path(tmp)
        replica_set = ReplicaSet(tmp / "rs")
        print("starting a 3-member replica set ...", flush=True)
        replica_set.start()
        server = None
        stop = threading.Event()
        try:
            port = free_port()
            (tmp / "metrics").mkdir()
            env = app_environment(replica_set.uri, port, tmp / "metrics")
            log_path = Path(args.app_log) if args.app_log else tmp / "gunicorn.log"
            with open(log_path, "w") as app_log:
                server, base_url = start_app(env, port, args, app_log)
                token = requests.post(
                    base_url + "/api/v1/auth/token/",
                    json={"username": TEACHER, "password": env["CHAOS_PASSWORD"]},
                    timeout=30,
                ).json()["token"]
                log = Log()
                probe = HealthProbe(base_url, stop)
                cluster = ClusterProbe(replica_set.uri, stop)
                writers = [Writer(i, base_url, token, log, stop) for i in range(args.clients)]
                for thread in [probe, cluster, *writers]:
                    thread.start()
                print(f"{args.clients} writers on {base_url}; baseline 10 s ...", flush=True)
                time.sleep(10)
                faults = [
                    ("replSetStepDown", lambda: step_down(replica_set, args.settle)),
                    ("kill -9 primary", lambda: kill(replica_set, args.settle, primary=True)),
                    ("kill -9 secondary", lambda: kill(replica_set, args.settle, primary=False)),
                    (
                        f"SIGSTOP primary {args.stall:.0f} s",
                        lambda: stall_primary(replica_set, args.stall),
                    ),
                ]
                rows, windows = [], []
                faults = [faults[int(digit) - 1] for digit in args.faults]
                for name, inject in faults:
                    print(f"fault: {name} ...", flush=True)
                    start, election = inject()
                    end = time.monotonic()
                    windows.append((start, end))
                    rows.append(phase_row(name, log, probe, cluster, start, end, election))
                    rows[-1]["timeline"] = [
                        (round(r[2] - start, 2), round(r[3] - start, 2), r[4])
                        for r in log.records
                        if start - 2 <= r[3] and r[2] <= end
                    ]
                    summary = {k: v for k, v in rows[-1].items() if k != "timeline"}
                    print(f"  {summary}", flush=True)
                stop.set()
                for thread in writers:
                    thread.join(CLIENT_TIMEOUT + 5)
                probe.join(35)
            lost, visible, broken = check(replica_set.uri, log)
            started = {record[1]: record[2] for record in log.records}
            for row, (start, end) in zip(rows, windows, strict=True):
                row["lost"] = sum(1 for label in lost if start <= started[label] < end)
            total = len(log.records)
            print_table(rows, lost, visible, broken)
            print(f"{total} writes in all; gunicorn log: {log_path}")
            Path(args.output).write_text(
                json.dumps(
                    {
                        # Without the per-request timelines: thousands of lines.
                        "rows": [{k: v for k, v in r.items() if k != "timeline"} for r in rows],
                        "writes": total,
                        "acknowledged": len(log.successes()),
                        "lost": lost,
                        "visible": [list(v) for v in visible],
                        "broken": broken,
                        "clients": args.clients,
                        "workers": args.workers,
                        "threads": args.threads,
                    },
                    indent=2,
                )
                + "\n"
            )
            return 1 if lost or visible or broken else 0
        finally:
            stop.set()
            if server is not None and server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
            replica_set.stop()


if __name__ == "__main__":
    sys.exit(main())
