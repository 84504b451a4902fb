"""Hot quizzes: learners submitting attempts to one quiz vs spread over many.

    make bench          # or: .venv/bin/python bench/attempts_bench.py [--clients C]
                        #     [--attempts N] [--quizzes Q] [--rounds R] [--output FILE]

Starts its own single-node replica set (temporary directory, free port, as
the tests do), migrates a throwaway database with Django's production
settings (DEBUG off), publishes Q quizzes of four questions, and gives each
of C clients (threads, each a signed-in learner with an API token, so no
rate limit counts) N attempts to make through the REST API's player
lifecycle: `POST published/{id}/attempts/` (start), `PATCH attempts/{id}/`
(save every response), `POST attempts/{id}/submit/`.

A: every client on the same quiz. B: the clients' attempts spread over the
Q quizzes. R interleaved rounds (A then B, then B then A ...), attempts per
second of each, medians and their ratio A/B (target: at least 0.9: a hot
quiz must not contend). `serverStatus().transactions` is read before and
after each run: aborted transactions are counted (target: none).

Writes its results under the "attempts" key of bench/results.json, leaving
the other keys (the import benchmark's) as they are. Asserts nothing: speed
is measured here, never in tests.
"""

import argparse
import json
import logging
import os
import platform
import secrets
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR / "bench"))

from import_bench import load, start_database  # noqa: E402 (the same throwaway server)

TARGET_RATIO = 0.9
QUESTIONS = [
    {"type": "multichoice", "name": "Sum", "text": "2 + 2?",
     "answers": [{"text": "4", "fraction": 100}, {"text": "5", "fraction": 0}]},
    {"type": "truefalse", "name": "Sky", "text": "The sky is blue.",
     "answers": [{"text": "true", "fraction": 100}, {"text": "false", "fraction": 0}]},
    {"type": "shortanswer", "name": "Capital", "text": "Capital of France?",
     "answers": [{"text": "Paris", "fraction": 100}]},
    {"type": "essay", "name": "Essay", "text": "Your holidays?"},
]  # fmt: skip
RESPONSES = {"multichoice": 0, "truefalse": True, "shortanswer": "paris", "essay": "Sea."}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openquizz.settings")
    os.environ["DJANGO_DEBUG"] = "0"  # production settings
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "localhost,testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # One access record per request would flood the terminal.
    logging.getLogger("openquizz.access").setLevel(logging.WARNING)


def make_quizzes(count):
    """`count` published quizzes, and the responses of each (by question id)."""
    from django.contrib.auth.models import User

    from quizzes import operations

    owner = User.objects.create_user("bench-teacher")
    quizzes = []
    for n in range(count):
        quiz = operations.create_quiz(owner, {"title": f"Quiz {n}"}, QUESTIONS)
        release = operations.publish_quiz(quiz)
        responses = {
            question_id: RESPONSES[release.key[question_id]["type"]] for question_id in release.key
        }
        quizzes.append((quiz.pk, responses))
    return quizzes


def learners(count):
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    clients = []
    for n in range(count):
        token = Token.objects.create(user=User.objects.create_user(f"learner-{n}"))
        client = APIClient(SERVER_NAME="localhost")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        clients.append(client)
    return clients


def transactions(admin):
    return dict(admin.admin.command("serverStatus")["transactions"])


def one_attempt(client, quiz_id, responses):
    # Over HTTPS, as production settings expect (else a redirect to it).
    https = {"secure": True, "format": "json"}
    started = client.post(f"/api/v1/published/{quiz_id}/attempts/", {}, **https)
    assert started.status_code == 201, (started.status_code, started.get("Location"))
    url = f"/api/v1/attempts/{started.json()['id']}/"
    saved = client.patch(url, {"responses": responses}, **https)
    assert saved.status_code == 200, saved.content
    submitted = client.post(f"{url}submit/", secure=True)
    assert submitted.status_code == 200, submitted.content


def run(clients, quizzes, attempts, admin, spread):
    """Every client makes `attempts` attempts at once; attempts/s and the aborts."""
    from django.db import connection

    barrier = threading.Barrier(len(clients) + 1)
    errors = []

    def learner(index, client):
        try:
            barrier.wait()
            for n in range(attempts):
                quiz_id, responses = quizzes[
                    (index + n * len(clients)) % len(quizzes) if spread else 0
                ]
                one_attempt(client, quiz_id, responses)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=learner, args=(index, client))
        for index, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    before = transactions(admin)
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - began
    after = transactions(admin)
    if errors:
        raise errors[0]
    return {
        "seconds": seconds,
        "rate": len(clients) * attempts / seconds,
        "transactions_started": after["totalStarted"] - before["totalStarted"],
        "transactions_aborted": after["totalAborted"] - before["totalAborted"],
    }


def measure(args, admin):
    quizzes = make_quizzes(args.quizzes)
    clients = learners(args.clients)
    one_attempt(clients[0], *quizzes[0])  # warm up
    runs = {"one_quiz": [], "spread": []}
    for round_ in range(args.rounds):
        order = ("one_quiz", "spread") if round_ % 2 == 0 else ("spread", "one_quiz")
        for name in order:
            runs[name].append(run(clients, quizzes, args.attempts, admin, name == "spread"))
    one = statistics.median(r["rate"] for r in runs["one_quiz"])
    spread = statistics.median(r["rate"] for r in runs["spread"])
    return {
        "clients": args.clients,
        "attempts_per_client": args.attempts,
        "quizzes": args.quizzes,
        "rounds": args.rounds,
        "requests_per_attempt": 3,
        "runs": runs,
        "median_one_quiz_rate": one,
        "median_spread_rate": spread,
        "ratio": one / spread,
        "target_ratio_at_least": TARGET_RATIO,
        "aborted_one_quiz": sum(r["transactions_aborted"] for r in runs["one_quiz"]),
        "aborted_spread": sum(r["transactions_aborted"] for r in runs["spread"]),
    }


def table(results):
    r = results
    return "\n".join(
        [
            f"{r['clients']} clients x {r['attempts_per_client']} attempts (start, save, submit), "
            f"median of {r['rounds']} interleaved rounds",
            f"  one quiz:           {r['median_one_quiz_rate']:.1f} attempts/s, "
            f"aborted transactions {r['aborted_one_quiz']}",
            f"  over {r['quizzes']} quizzes:    {r['median_spread_rate']:.1f} attempts/s, "
            f"aborted transactions {r['aborted_spread']}",
            f"  ratio one/spread:   {r['ratio']:.2f} (target >= {r['target_ratio_at_least']})",
            f"  load average before / after: {r['load_before']} / {r['load_after']} "
            f"on {r['cpus']} CPUs",
        ]
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=10, help="per client and run")
    parser.add_argument("--quizzes", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openquizz-bench-") as work:
        server = start_database(Path(work))
        try:
            setup_django()
            from pymongo import MongoClient

            with MongoClient(server.uri) as admin:
                results = {
                    "when": datetime.now(UTC).isoformat(timespec="seconds"),
                    "load_before": load(),
                    "python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    **measure(args, admin),
                    "load_after": load(),
                }
        finally:
            server.stop()
    print(table(results))
    output = Path(args.output)
    everything = json.loads(output.read_text()) if output.exists() else {}
    everything["attempts"] = results
    output.write_text(json.dumps(everything, indent=2) + "\n")
    print(f"\nwritten under 'attempts' in {output}")


if __name__ == "__main__":
    main()
