"""Import benchmark: GIFT files into a throwaway MongoDB, against raw pymongo.

    make bench          # or: .venv/bin/python bench/import_bench.py [--questions N]
                        #     [--rounds R] [--large N (0: skip)] [--output FILE]

Starts its own single-node replica set (temporary directory, free port, as
the tests do), migrates a throwaway database, and generates GIFT files
cycling through the question types (feedback, weights, a category every
1,000 questions). Django runs with its production settings (DEBUG off).

1. storage: the parsed N-question file stored as `import_quizzes` stores it
   (quizzes.formats.store: staged in batches of settings.OPENQUIZZ_IMPORT_BATCH,
   then the quiz), side by side with inserting the same documents with raw
   pymongo `insert_many` in one transaction; R interleaved A/B rounds,
   medians and their ratio (target: at most 3x).
2. end to end: the file's bytes to a visible quiz, parse included
   (store.import_file), R rounds, median rate (target: at least 8,000
   questions/s).
3. large: `manage.py import_quizzes` of a file of `--large` questions (30 MB
   for 300,000) in a subprocess; its peak resident memory (getrusage of the
   finished child, target: under 400 MB) and rate.

Prints a table and writes bench/results.json, with the load averages before
and after: on a machine busy with other work, wall-clock times (raw inserts
included) stretch; the CPU time of the Python side (and, on Linux, of
mongod) is shown beside the end-to-end rate for that reason. Asserts nothing: speed is measured here,
never in tests.
"""

import argparse
import json
import os
import platform
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from openquizz.mongod import LocalMongod, free_port  # noqa: E402

DATABASE = "openquizz_bench"
OWNER = "bench-teacher"
TARGETS = {"storage_ratio": 3.0, "end_to_end_rate": 8000, "large_peak_rss_mb": 400}

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


def gift_blocks(count):
    """The blocks of a GIFT file of `count` questions of every type, a category every 1,000."""
    for n in range(count):
        if n % 1000 == 0:
            yield f"$CATEGORY: $course$/top/Bench/Part {n // 1000 + 1}\n\n"
        template = QUESTION_TEMPLATES[n % len(QUESTION_TEMPLATES)]
        yield template.format(n=n, even=2 * n + 4, n_plus=n + 1) + "\n\n"


def gift_file(count):
    return "".join(gift_blocks(count)).encode("utf-8")


def write_gift_file(path, count):
    with path.open("w", encoding="utf-8") as file:
        for block in gift_blocks(count):
            file.write(block)
    return path.stat().st_size


def start_database(work_dir):
    # The raw baseline inserts 10,000 questions in one transaction: that needs more than
    # the embedded default 0.25 GB of WiredTiger cache (a server's default is half its RAM).
    server = LocalMongod(data_dir=work_dir / "mongod", port=free_port(), cache_size_gb=1.0)
    server.start()
    os.environ["MONGODB_URI"] = server.uri
    os.environ["MONGODB_NAME"] = DATABASE
    return server


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openquizz.settings")
    # Production settings: with DEBUG on, the backend deep-copies every
    # inserted document to log it, which is not what a server pays.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_ALLOWED_HOSTS"] = "localhost"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    return User.objects.create_user(OWNER, password="bench-password-1")  # noqa: S106


def clear():
    from django.db import connection

    from quizzes.models import Category, Question, QuestionVersion, Quiz

    for model in (QuestionVersion, Question, Category, Quiz):
        connection.get_collection(model._meta.db_table).delete_many({})


def load():
    """The load averages: timings mean little when they exceed the CPUs."""
    return [round(value, 1) for value in os.getloadavg()]


def median(values):
    return statistics.median(values)


# -- 1. storage, A/B --------------------------------------------------------------------
def store_ours(owner, result):
    from quizzes.formats.store import store_result

    started = time.perf_counter()
    imported = store_result(owner, result)
    elapsed = time.perf_counter() - started
    assert imported.questions == result.question_count
    return elapsed


def raw_documents(owner, result):
    """The documents our path stores for `result`, built once, outside the timing."""
    from bson import ObjectId

    from quizzes import bank

    questions = result.quizzes[0]["questions"]
    category = ObjectId()
    documents = bank.question_documents(
        owner.pk, [category] * len(questions), questions, datetime.now(UTC)
    )
    for document in documents:
        document.pop("_id")
    return documents


def store_raw(documents):
    """Raw pymongo: the same documents with insert_many, in one transaction."""
    from bson import ObjectId
    from django.db import connection

    from quizzes.models import Question

    connection.ensure_connection()
    client = connection.connection
    database = client[connection.settings_dict["NAME"]]
    question_collection = database[Question._meta.db_table]
    # Fresh ids and copies, as an importer would have them (not timed).
    ids = [ObjectId() for _ in documents]
    documents = [{**document, "_id": pk} for document, pk in zip(documents, ids, strict=True)]
    started = time.perf_counter()
    with client.start_session() as session:

        def insert(session):
            question_collection.insert_many(documents, session=session)

        session.with_transaction(insert)
    return time.perf_counter() - started


def storage(owner, count, rounds):
    from quizzes.formats import parse

    result = parse(gift_file(count), filename="bench.gift")
    documents = raw_documents(owner, result)
    ours, raw = [], []
    for round_number in range(rounds):
        # Interleaved, and alternating which goes first, so that drift hits both.
        order = ("ours", "raw") if round_number % 2 == 0 else ("raw", "ours")
        for which in order:
            clear()
            if which == "ours":
                ours.append(store_ours(owner, result))
            else:
                raw.append(store_raw(documents))
    clear()
    return {
        "questions": count,
        "rounds": rounds,
        "ours_s": ours,
        "raw_s": raw,
        "median_ours_s": median(ours),
        "median_raw_s": median(raw),
        "ratio": median(ours) / median(raw),
        "target_ratio_at_most": TARGETS["storage_ratio"],
    }


# -- 2. end to end -----------------------------------------------------------------------
def process_cpu(pid):
    """CPU seconds (user + system) process `pid` has used, from /proc (None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def end_to_end(owner, count, rounds, server):
    from quizzes.formats.store import import_file

    data = gift_file(count)
    times, cpu, database_cpu = [], [], []
    for _round in range(rounds):
        clear()
        started_database = process_cpu(server.pid())
        started, started_cpu = time.perf_counter(), time.process_time()
        imported = import_file(owner, data, filename="bench.gift")
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        if started_database is not None:
            database_cpu.append(process_cpu(server.pid()) - started_database)
        assert imported.questions == count
    clear()
    return {
        "questions": count,
        "megabytes": len(data) / 1e6,
        "rounds": rounds,
        "seconds": times,
        "median_s": median(times),
        "rate": count / median(times),
        # The Python side alone (parse, validation, documents), what a busy machine
        # inflates least: an upper bound of the rate on a quiet one.
        "cpu_seconds": cpu,
        "median_cpu_s": median(cpu),
        "cpu_rate": count / median(cpu),
        # mongod's CPU meanwhile (Linux): with the Python side's, what the import costs
        # the machine's CPUs whatever else runs on them.
        "mongod_cpu_seconds": database_cpu,
        "median_mongod_cpu_s": median(database_cpu) if database_cpu else None,
        "target_rate_at_least": TARGETS["end_to_end_rate"],
    }


# -- 3. a large file, in a subprocess -----------------------------------------------------
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(done.returncode, elapsed, peak)
sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
"""


def large(count, work_dir):
    from quizzes.models import Question

    path = work_dir / "large.gift"
    size = write_gift_file(path, count)
    clear()
    command = [sys.executable, str(BASE_DIR / "manage.py"), "import_quizzes", str(path),
               "--owner", OWNER]  # fmt: skip
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        env=os.environ.copy(),
        check=True,
    )
    returncode, elapsed, peak_kb = measured.stdout.split()
    if int(returncode) != 0:
        raise RuntimeError(f"import_quizzes failed:\n{measured.stderr}")
    stored = Question.objects.count()
    clear()
    return {
        "questions": count,
        "stored": stored,
        "megabytes": size / 1e6,
        "seconds": float(elapsed),
        "rate": count / float(elapsed),
        "peak_rss_mb": int(peak_kb) / 1024,
        "target_peak_rss_mb_under": TARGETS["large_peak_rss_mb"],
    }


def table(results):
    storage_, e2e, big = results["storage"], results["end_to_end"], results.get("large")
    rows = [
        ("measure", "result", "target"),
        (
            f"storage of {storage_['questions']:,} parsed questions (median of {storage_['rounds']})",
            f"{storage_['median_ours_s']:.3f} s vs raw insert_many {storage_['median_raw_s']:.3f} s"
            f" = {storage_['ratio']:.2f}x",
            f"<= {storage_['target_ratio_at_most']:.0f}x",
        ),
        (
            f"end to end, parse included, {e2e['questions']:,} questions ({e2e['megabytes']:.1f} MB)",
            f"{e2e['median_s']:.2f} s = {e2e['rate']:,.0f} questions/s "
            f"(CPU of the Python side {e2e['median_cpu_s']:.2f} s = {e2e['cpu_rate']:,.0f}/s"
            + (
                f", of mongod {e2e['median_mongod_cpu_s']:.2f} s)"
                if e2e.get("median_mongod_cpu_s") is not None
                else ")"
            ),
            f">= {e2e['target_rate_at_least']:,}/s",
        ),
    ]
    if big:
        rows.append(
            (
                f"import_quizzes of {big['questions']:,} questions ({big['megabytes']:.0f} MB)",
                f"peak RSS {big['peak_rss_mb']:.0f} MB, {big['seconds']:.1f} s = "
                f"{big['rate']:,.0f} questions/s ({big['stored']:,} stored)",
                f"< {big['target_peak_rss_mb_under']} MB",
            )
        )
    rows.append(
        ("load average (1, 5, 15 min) before / after", f"{results['load_before']} / "
         f"{results['load_after']} on {results['cpus']} CPUs", "a quiet machine")
    )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--large", type=int, default=300_000, help="0: skip")
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="openquizz-bench-") as work:
        server = start_database(Path(work))
        try:
            owner = setup_django()
            from django.conf import settings

            results = {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "load_before": load(),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "batch_size": getattr(settings, "OPENQUIZZ_IMPORT_BATCH", None) or 2000,
                "storage": storage(owner, args.questions, args.rounds),
                "end_to_end": end_to_end(owner, args.questions, args.rounds, server),
            }
            if args.large:
                results["large"] = large(args.large, Path(work))
            results["load_after"] = load()
            results["bench_process_peak_rss_mb"] = (
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            )
        finally:
            server.stop()
    print(table(results))
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {args.output}")


if __name__ == "__main__":
    main()
