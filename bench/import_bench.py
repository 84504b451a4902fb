"""Import benchmark: a 10,000-question GIFT file into a throwaway MongoDB.

    make bench          # or: .venv/bin/python bench/import_bench.py [--questions N]

Starts its own single-node replica set (temporary directory, free port, as
the tests do), migrates a throwaway database, and generates a GIFT file
cycling through every question type (feedback, weights, categories). Then,
for N/4 and N questions:

- parse: the file into validated quiz data (quizzes.formats.parse);
- import: the parsed quiz into the database in one transaction
  (sessions_mw.outside.run_in_transaction, as import_quizzes does), counting the insert
  commands the driver sends (pymongo command monitoring);
- memory: the peak of Python allocations over parse + import (tracemalloc,
  measured in a separate run so that it does not slow the timed one), and
  per question, to show it grows linearly.

Django runs with its production settings (DEBUG off). Prints the numbers;
asserts nothing (speed is measured here, never in tests).
"""

import argparse
import os
import resource
import secrets
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from pymongo import monitoring  # noqa: E402

from openquizz.mongod import LocalMongod, free_port  # noqa: E402

DATABASE = "openquizz_bench"


class InsertCounter(monitoring.CommandListener):
    """Counts the insert commands the driver sends, and the documents in them."""

    def __init__(self):
        self.commands = 0

    def started(self, event):
        if event.command_name == "insert":
            self.commands += 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


QUESTION_TEMPLATES = [
    "::Capital {n}::[markdown]What is the **capital** of country {n}?{{\n"
    "\t=City {n}#Right: City {n}.\n\t~%-25%Town {n}#Not quite.\n\t~Village {n}\n"
    "\t####Capitals are listed in the atlas, page {n}.\n}}",
    "::Primes {n}::Which of these are prime?{{\n\t~%50%2\n\t~%50%3\n\t~%-100%{even}#{even} is even\n}}",
    "::Sky {n}::The sky seen from planet {n} is blue.{{TRUE#Look again.#Yes.}}",
    "::Author {n}::Who wrote book {n}?{{\n\t=Author {n}#Bravo\n\t=%50%Auth*#Almost\n}}",
    "::Sum {n}::What is {n} + 0.5?{{#\n\t={n}.5:0.01#Exact\n\t=%50%{n}..{n_plus}#Close\n}}",
    "::Match {n}::Match the pairs of set {n}.{{\n\t=a{n} -> A{n}\n\t=b{n} -> B{n}\n"
    "\t=c{n} -> C{n}\n\t= -> D{n}\n}}",
    "::Essay {n}::Describe experiment {n} in your own words.{{####A model answer for {n}.}}",
]


def gift_file(count):
    """A GIFT text of `count` questions of every type, a category every 1,000."""
    blocks = []
    for n in range(count):
        if n % 1000 == 0:
            blocks.append(f"$CATEGORY: $course$/top/Bench/Part {n // 1000 + 1}")
        template = QUESTION_TEMPLATES[n % len(QUESTION_TEMPLATES)]
        blocks.append(template.format(n=n, even=2 * n + 4, n_plus=n + 1))
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def start_database(work_dir):
    server = LocalMongod(data_dir=work_dir / "mongod", port=free_port())
    server.start()
    os.environ["MONGODB_URI"] = server.uri
    os.environ["MONGODB_NAME"] = DATABASE
    return server


def setup_django(counter):
    # Listeners must be registered before Django opens its MongoClient.
    monitoring.register(counter)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openquizz.settings")
    # Production settings: with DEBUG on, the backend deep-copies every
    # inserted document to log it, which is not what a server pays.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    return User.objects.create_user("bench-teacher", password="bench-password-1")  # noqa: S106


def clear():
    from quizzes.models import Question, Quiz

    Question.objects.all().delete()
    Quiz.objects.all().delete()


def timed_import(data, owner, counter):
    """(parse seconds, import seconds, insert commands, questions) of one import."""
    from quizzes.formats import parse
    from quizzes.formats.store import create_quizzes
    from sessions_mw.outside import run_in_transaction

    started = time.perf_counter()
    result = parse(data, filename="bench.gift")
    parsed = time.perf_counter()
    counter.commands = 0
    run_in_transaction(lambda: create_quizzes(owner, result.quizzes))
    stored = time.perf_counter()
    return parsed - started, stored - parsed, counter.commands, result.question_count


def peak_memory(data, owner):
    """Peak bytes allocated by Python while parsing and importing `data`."""
    from quizzes.formats import parse
    from quizzes.formats.store import create_quizzes
    from sessions_mw.outside import run_in_transaction

    tracemalloc.start()
    result = parse(data, filename="bench.gift")
    run_in_transaction(lambda: create_quizzes(owner, result.quizzes))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    args = parser.parse_args()
    counter = InsertCounter()
    with tempfile.TemporaryDirectory(prefix="openquizz-bench-") as work:
        server = start_database(Path(work))
        try:
            owner = setup_django(counter)
            from quizzes.models import Question

            for count in (args.questions // 4, args.questions):
                data = gift_file(count)
                parse_s, import_s, inserts, questions = timed_import(data, owner, counter)
                assert Question.objects.count() == questions
                clear()
                peak = peak_memory(data, owner)
                clear()
                total = parse_s + import_s
                print(
                    f"{questions:>6} questions, {len(data) / 1e6:.1f} MB of GIFT: "
                    f"parse {parse_s:.2f} s ({questions / parse_s:,.0f} q/s), "
                    f"import {import_s:.2f} s in {inserts} insert commands, "
                    f"total {questions / total:,.0f} questions/s; "
                    f"peak Python memory {peak / 1e6:.1f} MB ({peak / questions / 1e3:.1f} kB per question)"
                )
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
            print(f"peak resident memory of the process: {rss:.0f} MB")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
