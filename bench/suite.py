"""`make bench`: OpenQuizz side by side with its goals (README "Performance").

    make bench            # about 13 minutes on 2 quiet CPUs; or .venv/bin/python bench/suite.py
    make bench QUICK=1    # under 3 minutes: smaller data, fewer and shorter rounds

1. Starts a throwaway mongod (openquizz.mongod.LocalMongod on a free port) and
   the app as production serves it: gunicorn, 2 sync workers, DJANGO_DEBUG=0, a
   throwaway DJANGO_SECRET_KEY (TLS ends at a proxy: no HTTPS redirect, one
   trusted proxy), plus bench/raw_app.py under the same gunicorn settings.
2. Creates the data through the app: `manage.py migrate` and `createteacher`,
   then the REST API (tokens, GIFT imports of a 10- and a 1,000-question quiz,
   publishing, 50 quizzes) and the player (an anonymous attempt). The 20,000
   quizzes of the crowded teacher are copies of one the API created, inserted
   with insert_many (same shape, made fast).
3. Measures each pair A/B with wrk (4 connections), interleaved: R rounds, A
   then B, then B then A, ...; per side the median requests/s and its min-max,
   the server's CPU time per request (gunicorn and mongod, from /proc); per
   round the ratio. A round during which other processes used more than
   harness.FOREIGN_LOAD_LIMIT CPUs is marked `*`.
4. Runs bench/import_bench.py and bench/attempts_bench.py (their own mongod).
5. Prints the resident memory of the app's workers, a Markdown table (also
   written to bench/results.md), and merges everything into
   bench/results.json (the import's keys at the top level, "attempts", and
   this suite's under "suite").

Asserts nothing: a goal missed is reported, not raised.
"""

import argparse
import contextlib
import html
import json
import math
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from bson import ObjectId
from pymongo import MongoClient

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BASE_DIR,
    FOREIGN_LOAD_LIMIT,
    CpuWindow,
    Server,
    spread,
    wrk,
)
from import_bench import gift_file
from raw_app import COLLECTION as RAW_COLLECTION
from raw_app import key as raw_key

from openquizz.mongod import LocalMongod, free_port

DATABASE = "openquizz_bench_suite"
QUIZ_COLLECTION = "quizzes_quiz"
RESULTS = BASE_DIR / "bench" / "results.json"
MARKDOWN = BASE_DIR / "bench" / "results.md"
WORKER_RSS_GOAL_MB = 120
# A slow page gets runs long enough for this many requests (within Scale.longest_run).
MIN_REQUESTS_PER_RUN = 20
SEARCHED, OTHER = "geology", "astronomy"  # title words: 1 quiz in 100 has the first


@dataclass(frozen=True)
class Scale:
    crowd: int  # quizzes of the crowded teacher
    deep_page: int  # the page number measured against the first
    rounds: int
    seconds: int  # of each wrk run
    longest_run: int  # seconds, for a slow page
    warm_up: bool
    walk_budget: float  # seconds to follow next links to the deep page
    import_args: tuple
    attempts_args: tuple


FULL = Scale(20_000, 1_000, 5, 3, 10, True, 150.0, (), ("--rounds", "5"))
QUICK = Scale(
    2_000, 100, 3, 1, 3, False, 30.0,
    ("--questions", "2000", "--rounds", "3", "--large", "0"),
    ("--clients", "4", "--attempts", "2", "--quizzes", "8", "--rounds", "3"),
)  # fmt: skip


# -- the site: servers and data ----------------------------------------------------------------
def app_environment(uri):
    """Production settings (DEBUG off), behind a proxy that ends TLS (as Dockerfile runs)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OPENQUIZZ_"))}
    return {
        **inherited,
        "MONGODB_URI": uri,
        "MONGODB_NAME": DATABASE,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        # Learners' addresses come in X-Forwarded-For (anonymous delivery is throttled per address).
        "DJANGO_TRUSTED_PROXIES": "1",
        "BENCH_PASSWORD": "bench-" + secrets.token_urlsafe(16),
    }


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


class Client:
    """HTTP to one server, as a teacher with a token, a signed-in browser, or anonymous."""

    def __init__(self, server):
        self.server = server
        self.http = requests.Session()
        self.headers = {}

    def url(self, path):
        return self.server.url(path)

    def request(self, method, path, expect=(200,), **kwargs):
        response = self.http.request(method, self.url(path), timeout=120, **kwargs)
        if response.status_code not in expect:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, headers=self.headers, **kwargs)

    def api(self, method, path, expect=(200, 201), **kwargs):
        return self.request(method, path, expect, headers=self.headers, **kwargs).json()

    def token(self, username, password):
        body = {"username": username, "password": password}
        token = self.api("POST", "/api/v1/auth/token/", json=body)["token"]
        self.headers = {"Authorization": f"Token {token}"}
        return self

    def form(self, path, data, expect=(302, 303)):
        """POST a form of the page at `path` (its CSRF token included); the redirect's path."""
        page = self.request("GET", path).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = self.request(
            "POST", path, expect, data={**data, "csrfmiddlewaretoken": token},
            allow_redirects=False,
        )  # fmt: skip
        return relative(response.headers["Location"])

    def sign_in(self, username, password):
        self.form("/accounts/login/", {"username": username, "password": password})
        self.headers = {"Cookie": self.cookie()}
        return self

    def cookie(self):
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.http.cookies)


def relative(url):
    """The path and query of an absolute or relative URL."""
    return re.sub(r"^https?://[^/]+", "", html.unescape(url))


@dataclass
class Site:
    """What build_site made: who asks (and how), and the ids, codes and pages measured."""

    teacher: Client  # token
    teacher_browser: Client
    crowd: Client  # token
    crowd_browser: Client
    ten: str  # quiz ids
    thousand: str
    code: str  # the ten-question quiz's share code
    question_page: str  # an anonymous attempt's first page
    learner_cookie: str
    writable: list = field(default_factory=list)  # a quiz per wrk thread of the write pair


def import_quiz(client, name, count):
    files = {"file": (f"{name}.gift", gift_file(count), "text/plain")}
    body = client.api("POST", "/api/v1/quizzes/import/", files=files)
    return body["quizzes"][0]["id"]


def crowd_quizzes(client, database, count):
    """`count` quizzes for the client's teacher: one through the API, copies of it after."""
    created = client.api("POST", "/api/v1/quizzes/", json={"title": f"Bench quiz 0 {SEARCHED}"})
    collection = database[QUIZ_COLLECTION]
    model = collection.find_one({"_id": ObjectId(created["id"])})
    start = model["updated_at"]
    batch = []
    for n in range(1, count):
        moment = start - timedelta(seconds=n)
        word = SEARCHED if n % 100 == 0 else OTHER
        batch.append(
            {**model, "_id": ObjectId(), "title": f"Bench quiz {n} {word}",
             "created_at": moment, "updated_at": moment}
        )  # fmt: skip
        if len(batch) == 5_000:
            collection.insert_many(batch, ordered=False)
            batch = []
    if batch:
        collection.insert_many(batch, ordered=False)


def build_site(app, env, database, scale):
    """Teachers, quizzes, a published quiz and a learner's attempt, through the app."""
    password = env["BENCH_PASSWORD"]
    for name in ("bench-teacher", "bench-crowd"):
        manage(env, "createteacher", name, "--password-from-env", "BENCH_PASSWORD")
    teacher = Client(app).token("bench-teacher", password)
    crowd = Client(app).token("bench-crowd", password)
    ten = import_quiz(teacher, "ten", 10)
    thousand = import_quiz(teacher, "thousand", 1_000)
    code = teacher.api("POST", f"/api/v1/quizzes/{ten}/publish/")["share_code"]
    writable = []
    for n in range(48):  # 50 quizzes in all
        quiz = teacher.api("POST", "/api/v1/quizzes/", json={"title": f"Quiz {n} {OTHER}"})
        writable.append(quiz["id"])
    crowd_quizzes(crowd, database, scale.crowd)
    learner = Client(app)
    question_page = learner.form(f"/q/{code}/", {"name": "Bench learner"})
    return Site(
        teacher=teacher,
        teacher_browser=Client(app).sign_in("bench-teacher", password),
        crowd=crowd,
        crowd_browser=Client(app).sign_in("bench-crowd", password),
        ten=ten,
        thousand=thousand,
        code=code,
        question_page=question_page,
        learner_cookie=learner.cookie(),
        writable=writable[:4],
    )


def store_raw_copy(database, client, raw, path, headers):
    """Store the app's answer to GET `path` for bench/raw_app.py under the same path, and
    check that the raw app answers those bytes. A note when the app's bytes change from
    one request to the next (the raw app serves the first ones). Uncompressed, as wrk
    asks for them."""
    headers = {**headers, "Accept-Encoding": "identity"}
    first = client.request("GET", path, headers=headers)
    query = path.partition("?")[2]
    database[RAW_COLLECTION].replace_one(
        {"_id": raw_key({"PATH_INFO": path.split("?")[0], "QUERY_STRING": query})},
        {"body": first.content, "content_type": first.headers["Content-Type"]},
        upsert=True,
    )
    if requests.get(raw.url(path), headers=headers, timeout=30).content != first.content:
        raise RuntimeError(f"the raw app does not answer the bytes stored for {path}")
    if client.request("GET", path, headers=headers).content != first.content:
        return "the app's bytes differ from one request to the next (e.g. a CSRF token)"
    return ""


# -- deep pages --------------------------------------------------------------------------------
NEXT_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)


def next_in_html(body):
    """The href of the page's link to the next page: rel="next", else a link saying
    Next, Older or →."""
    for attributes, text in NEXT_ANCHOR.findall(body):
        href = re.search(r'href="([^"]*)"', attributes)
        if href and ('rel="next"' in attributes or re.search(r"Next|Older|→", text)):
            return href.group(1)
    return None


def next_in_json(body):
    return json.loads(body).get("next")


def deep_path(client, first, page, next_link, budget):
    """The path of page number `page`, and the page number reached: next links are followed
    (a numbered ?page=2 link is jumped to ?page=N), for at most `budget` seconds."""
    print(f"  following next links from {first} to page {page} ...", flush=True)
    path, reached, started = first, 1, time.monotonic()
    while reached < page and time.monotonic() - started < budget:
        link = next_link(client.get(path).text)
        if link is None:
            break
        link = relative(link) if link.startswith(("http", "/")) else first.split("?")[0] + link
        numbered = re.search(r"([?&]page=)(\d+)", link)
        if numbered and int(numbered.group(2)) == reached + 1:
            return link.replace(numbered.group(0), f"{numbered.group(1)}{page}"), page
        path, reached = link, reached + 1
    return path, reached


# -- pairs -------------------------------------------------------------------------------------
@dataclass
class Side:
    """One side of a pair: what wrk requests of which server (a path per wrk thread)."""

    label: str
    server: Server
    paths: list
    headers: dict = field(default_factory=dict)
    method: str = "GET"
    body: str | None = None
    forwarded: bool = False

    def run(self, seconds):
        return wrk(
            self.server.url(""), self.paths, seconds, headers=self.headers,
            method=self.method, body=self.body, forwarded=self.forwarded,
        )  # fmt: skip


@dataclass
class Pair:
    """Two sides measured in interleaved rounds, and the goal their ratio is held to."""

    key: str
    title: str
    a: Side
    b: Side
    # ("cost", x): A's time per request at most x times B's (B's req/s / A's);
    # ("share", x): A's req/s at least x of B's; None: reported only.
    goal: tuple | None
    note: str = ""

    def ratio(self, a_rps, b_rps):
        """The ratio the goal is about (infinite when a side completed no request)."""
        over, under = (b_rps, a_rps) if self.goal and self.goal[0] == "cost" else (a_rps, b_rps)
        return over / under if under else float("inf")

    def met(self, ratio):
        if self.goal is None:
            return None
        kind, limit = self.goal
        return ratio <= limit if kind == "cost" else ratio >= limit


def check_side(side, connections=4):
    """Requests as wrk will send them, `connections` at once (so that every worker has
    answered one): anything but a 2xx stops the suite, with why. Returns the seconds
    they took."""

    def one(_):
        return requests.request(
            side.method, side.server.url(side.paths[0]), data=side.body, timeout=120,
            headers={**side.headers, **({"X-Forwarded-For": "10.0.0.1"} if side.forwarded else {})},
        )  # fmt: skip

    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        for response in pool.map(one, range(connections)):
            if not response.ok:
                raise RuntimeError(
                    f"{side.label}: {side.method} {side.paths[0]} answered "
                    f"{response.status_code}: {response.text[:300]}"
                )
    return time.monotonic() - started


def run_seconds(scale, checked):
    """Seconds of each wrk run: the scale's, or long enough for MIN_REQUESTS_PER_RUN at the
    pace the check saw (4 requests at once in `checked` seconds), up to the scale's longest."""
    needed = math.ceil(checked * MIN_REQUESTS_PER_RUN / 4)
    return max(scale.seconds, min(scale.longest_run, needed))


def measure(pair, scale, mongod_pid):
    """The pair's interleaved rounds: per side runs, per round the ratio and its mark."""
    checked = max(check_side(side) for side in (pair.a, pair.b))
    seconds = run_seconds(scale, checked)
    if scale.warm_up:
        pair.a.run(1)
        pair.b.run(1)
    runs = {"a": [], "b": []}
    for round_number in range(scale.rounds):
        order = ("a", "b") if round_number % 2 == 0 else ("b", "a")
        for name in order:
            side = getattr(pair, name)
            groups = {"server": side.server.pids(), "mongod": [mongod_pid]}
            with CpuWindow(groups) as window:
                result = side.run(seconds)
            requests_done = max(result["requests"], 1)
            runs[name].append(
                {
                    **result,
                    "server_cpu_ms": 1000 * window.seconds["server"] / requests_done,
                    "mongod_cpu_ms": 1000 * window.seconds["mongod"] / requests_done,
                    "foreign_cpus": round(window.foreign_cpus, 2),
                }
            )
    rounds = []
    for a, b in zip(runs["a"], runs["b"], strict=True):
        foreign = max(a["foreign_cpus"], b["foreign_cpus"])
        rounds.append(
            {
                "ratio": pair.ratio(a["rps"], b["rps"]),
                "foreign_cpus": foreign,
                "foreign_load": foreign > FOREIGN_LOAD_LIMIT,
                "errors": a["errors"] + b["errors"],
            }
        )
    a_rps, b_rps = (spread([r["rps"] for r in runs[n]]) for n in ("a", "b"))
    ratio = pair.ratio(a_rps["median"], b_rps["median"])
    return {
        "title": pair.title,
        "seconds_per_run": seconds,
        "a": pair.a.label,
        "b": pair.b.label,
        "note": "; ".join(
            filter(None, [pair.note, f"runs of {seconds} s" if seconds > scale.seconds else ""])
        ),
        "goal": pair.goal,
        "runs": runs,
        "rounds": rounds,
        "a_rps": a_rps,
        "b_rps": b_rps,
        "a_server_cpu_ms": spread([r["server_cpu_ms"] for r in runs["a"]])["median"],
        "b_server_cpu_ms": spread([r["server_cpu_ms"] for r in runs["b"]])["median"],
        "ratio": ratio,
        "ratio_spread": spread([r["ratio"] for r in rounds]),
        "met": pair.met(ratio),
        "rounds_under_foreign_load": sum(r["foreign_load"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
    }


@contextlib.contextmanager
def extra_server(name, env, work_dir, **kwargs):
    server = Server(name, env, work_dir, **kwargs).start()
    try:
        yield server
    finally:
        server.stop()


def list_pairs(app, site, scale, wanted):
    """Lists, dashboard, search and deep pages: crowded teacher against the 50-quiz one.
    The deep pages are walked to only if their pair is `wanted`."""
    crowd, small = site.crowd, site.teacher
    crowd_page, small_page = site.crowd_browser.headers, site.teacher_browser.headers
    dashboard_deep, dashboard_reached = "/", 1
    if wanted("dashboard_deep"):
        dashboard_deep, dashboard_reached = deep_path(
            site.crowd_browser, "/", scale.deep_page, next_in_html, scale.walk_budget
        )
    api_deep, api_reached = "/api/v1/quizzes/", 1
    if wanted("api_list_deep"):
        api_deep, api_reached = deep_path(
            crowd, "/api/v1/quizzes/", scale.deep_page, next_in_json, scale.walk_budget
        )

    def walked(reached):
        if reached == scale.deep_page:
            return ""
        return f"next links followed to page {reached} only (walk budget {scale.walk_budget:.0f} s)"

    many = f"{scale.crowd:,} quizzes"
    return [
        Pair("api_list_crowd", "API list, first page", Side(many, app, ["/api/v1/quizzes/"],
             crowd.headers), Side("50 quizzes", app, ["/api/v1/quizzes/"], small.headers),
             ("cost", 1.2)),
        Pair("dashboard_crowd", "dashboard, first page", Side(many, app, ["/"], crowd_page),
             Side("50 quizzes", app, ["/"], small_page), ("cost", 1.2)),
        Pair("dashboard_deep", f"dashboard among {many}",
             Side(f"page {dashboard_reached}", app, [dashboard_deep], crowd_page),
             Side("page 1", app, ["/"], crowd_page), ("cost", 1.2), walked(dashboard_reached)),
        Pair("api_list_deep", f"API list among {many}",
             Side(f"page {api_reached}", app, [api_deep], crowd.headers),
             Side("page 1", app, ["/api/v1/quizzes/"], crowd.headers), ("cost", 1.2),
             walked(api_reached)),
        Pair("dashboard_search", f"dashboard among {many}",
             Side(f"?q={SEARCHED}", app, [f"/?q={SEARCHED}"], crowd_page),
             Side("unfiltered", app, ["/"], crowd_page), ("cost", 2.0)),
        Pair("api_search", f"API list among {many}",
             Side(f"?search={SEARCHED}", app, [f"/api/v1/quizzes/?search={SEARCHED}"],
                  crowd.headers),
             Side("unfiltered", app, ["/api/v1/quizzes/"], crowd.headers), ("cost", 2.0)),
    ]  # fmt: skip


def check_search(site):
    """The search pairs measure a search only if the app applies it: say so when it does not."""
    body = site.crowd_browser.get(f"/?q={SEARCHED}").text
    listed = site.crowd.api("GET", f"/api/v1/quizzes/?search={SEARCHED}")["results"]
    problems = []
    if SEARCHED not in body or OTHER in body:
        problems.append(f"dashboard ?q={SEARCHED} did not filter the titles")
    if not listed or any(SEARCHED not in quiz["title"] for quiz in listed):
        problems.append(f"API ?search={SEARCHED} did not filter the titles")
    return problems


def raw_pairs(app, raw, site, database):
    """The app against bench/raw_app.py serving the bytes it answered, from MongoDB."""
    learner = {"Cookie": site.learner_cookie}
    published = f"/api/v1/published/{site.code}/"
    detail = f"/api/v1/quizzes/{site.ten}/"
    anonymous = "anonymous: each request from one of 65,000 addresses (X-Forwarded-For)"
    notes = {
        path: store_raw_copy(database, site.teacher, raw, path, headers)
        for path, headers in (
            (published, {}),
            (detail, site.teacher.headers),
            (site.question_page, learner),
        )
    }
    return [
        Pair("published_vs_raw", "GET published/{code}/ (10 questions, anonymous)",
             Side("OpenQuizz", app, [published], forwarded=True),
             Side("raw pymongo", raw, [published], forwarded=True), ("share", 0.40),
             "; ".join(filter(None, [anonymous, notes[published]]))),
        Pair("detail_vs_raw", "GET quizzes/{id}/ (10 questions, token)",
             Side("OpenQuizz", app, [detail], site.teacher.headers),
             Side("raw pymongo", raw, [detail], site.teacher.headers), ("share", 0.25),
             notes[detail]),
        Pair("player_vs_raw", "player's question page (10 questions)",
             Side("OpenQuizz", app, [site.question_page], learner),
             Side("raw pymongo", raw, [site.question_page], learner), None,
             notes[site.question_page]),
    ]  # fmt: skip


def server_pairs(app, asgi, detail, token):
    """WSGI against ASGI on the same read: as wrk connects (HTTP/1.1, kept alive where the
    server keeps it: uvicorn does, gunicorn's sync workers close after each response), and
    with a connection per request on both sides (a proxy that does not keep them)."""
    close = {**token, "Connection": "close"}
    note = "ratio: WSGI req/s over ASGI req/s"
    return [
        Pair("wsgi_vs_asgi", "GET quizzes/{id}/ (token), 2 workers each",
             Side("gunicorn sync (WSGI)", app, [detail], token),
             Side("gunicorn + uvicorn worker (ASGI)", asgi, [detail], token), None, note),
        Pair("wsgi_vs_asgi_close", "the same, Connection: close",
             Side("gunicorn sync (WSGI)", app, [detail], close),
             Side("gunicorn + uvicorn worker (ASGI)", asgi, [detail], close), None, note),
    ]  # fmt: skip


def run_pairs(app, raw, env, work_dir, site, database, scale, mongod_pid, only):
    """Measure every pair (or those whose key contains one of `only`); results by key."""
    detail = f"/api/v1/quizzes/{site.ten}/"
    token = site.teacher.headers
    write = {
        "paths": [f"/api/v1/quizzes/{quiz}/" for quiz in site.writable],
        "headers": {**token, "Content-Type": "application/json"},
        "method": "PATCH",
        "body": json.dumps({"title": "Renamed by the bench"}),
    }
    editor = site.teacher_browser.headers

    def wanted(key):
        return not only or any(part in key for part in only)

    def with_server(keys, name, extra_env, make_pairs, **kwargs):
        """Pairs needing a server of their own, started only if one of `keys` is wanted."""
        return keys, name, {**env, **extra_env}, make_pairs, kwargs

    groups = [
        with_server(["session_middleware"], "no-session-mw", {"OPENQUIZZ_BENCH_WITHOUT_SESSION_MIDDLEWARE": "1"},
                    lambda other: [Pair("session_middleware", "GET quizzes/{id}/ (token)",
                                        Side("with sessions_mw", app, [detail], token),
                                        Side("without", other, [detail], token), ("cost", 1.03))]),
        with_server(["transactions"], "no-transactions", {"OPENQUIZZ_BENCH_WITHOUT_TRANSACTIONS": "1"},
                    lambda other: [Pair("transactions", "PATCH quizzes/{id}/, a quiz per connection",
                                        Side("in a transaction", app, **write),
                                        Side("TRANSACTION_METHODS=[]", other, **write),
                                        ("cost", 1.3))]),
        (None, None, None, lambda _: raw_pairs(app, raw, site, database), {}),
        (None, None, None, lambda _: list_pairs(app, site, scale, wanted), {}),
        (None, None, None, lambda _: [Pair("editor", "editor page (teacher's session)",
                                     Side("1,000 questions", app, [f"/quizzes/{site.thousand}/"],
                                          editor),
                                     Side("10 questions", app, [f"/quizzes/{site.ten}/"], editor),
                                     ("cost", 3.0))], {}),
        with_server(["wsgi_vs_asgi", "wsgi_vs_asgi_close"], "asgi", {},
                    lambda other: server_pairs(app, other, detail, token),
                    app="openquizz.asgi", options=["--worker-class", "uvicorn_worker.UvicornWorker"]),
    ]  # fmt: skip
    results = {}
    for keys, name, server_env, make_pairs, kwargs in groups:
        if keys and not any(wanted(key) for key in keys):
            continue
        with (
            extra_server(name, server_env, work_dir, **kwargs) if name else contextlib.nullcontext()
        ) as other:
            for pair in make_pairs(other):
                if not wanted(pair.key):
                    continue
                print(f"  {pair.key}: {pair.a.label} vs {pair.b.label} ...", flush=True)
                results[pair.key] = measure(pair, scale, mongod_pid)
    return results


# -- the other benchmarks ----------------------------------------------------------------------
def sub_bench(script, args):
    """Run bench/<script> writing to a file of its own; its results, and the foreign load."""
    with (
        tempfile.TemporaryDirectory(prefix="openquizz-suite-") as work,
        CpuWindow({}, sample_every=0.5) as window,
    ):
        output = Path(work) / "results.json"
        subprocess.run(
            [sys.executable, str(BASE_DIR / "bench" / script), *args, "--output", str(output)],
            cwd=BASE_DIR, check=True,
        )  # fmt: skip
        results = json.loads(output.read_text())
    return results, round(window.foreign_cpus, 2)


# -- report ------------------------------------------------------------------------------------
def rps(values):
    return f"{values['median']:,.0f} ({values['min']:,.0f}-{values['max']:,.0f})"


def goal_text(goal):
    if goal is None:
        return "—"
    kind, limit = goal
    return f"≤ {limit:g}x" if kind == "cost" else f"≥ {limit:g}"


def verdict(met):
    return {True: "pass", False: "**FAIL**", None: "—"}[met]


def pair_row(result):
    spread_ = result["ratio_spread"]
    foreign = result["rounds_under_foreign_load"]
    notes = [result["note"]] if result["note"] else []
    if result["errors"]:
        notes.append(f"{result['errors']} non-2xx or socket errors")
    return (
        f"| {result['title']}: {result['a']} vs {result['b']} | {rps(result['a_rps'])} "
        f"| {rps(result['b_rps'])} | {result['a_server_cpu_ms']:.1f} / "
        f"{result['b_server_cpu_ms']:.1f} | **{result['ratio']:.2f}** "
        f"({spread_['min']:.2f}-{spread_['max']:.2f}) | {goal_text(result['goal'])} "
        f"| {verdict(result['met'])} | {foreign}/{len(result['rounds'])} "
        f"| {'; '.join(notes)} |"
    )


def sub_rows(imported, attempts):
    rows = []
    if imported:
        storage, foreign = imported
        s = storage["storage"]
        ratios = [ours / raw for ours, raw in zip(s["ours_s"], s["raw_s"], strict=True)]
        rows.append(
            f"| import storage of {s['questions']:,} questions: ours vs raw insert_many "
            f"| {s['median_ours_s']:.2f} s | {s['median_raw_s']:.2f} s | | "
            f"**{s['ratio']:.2f}** ({min(ratios):.2f}-{max(ratios):.2f}) "
            f"| ≤ {s['target_ratio_at_most']:g}x | {verdict(s['ratio'] <= s['target_ratio_at_most'])} "
            f"| foreign {foreign} CPUs on average | seconds, not req/s; bench/import_bench.py |"
        )
    if attempts:
        a, foreign = attempts
        a = a["attempts"]
        ratios = [
            one["rate"] / spread_["rate"]
            for one, spread_ in zip(a["runs"]["one_quiz"], a["runs"]["spread"], strict=True)
        ]
        rows.append(
            f"| attempts: {a['clients']} clients on one quiz vs over {a['quizzes']} "
            f"| {a['median_one_quiz_rate']:.1f}/s | {a['median_spread_rate']:.1f}/s | | "
            f"**{a['ratio']:.2f}** ({min(ratios):.2f}-{max(ratios):.2f}) "
            f"| ≥ {a['target_ratio_at_least']:g} | {verdict(a['ratio'] >= a['target_ratio_at_least'])} "
            f"| foreign {foreign} CPUs on average | attempts/s; aborted transactions "
            f"{a['aborted_one_quiz']} / {a['aborted_spread']}; bench/attempts_bench.py |"
        )
    return rows


def markdown(suite, imported, attempts):
    scale = suite["scale"]
    lines = [
        f"Run {suite['when']} on {suite['cpus']} CPUs ({suite['mode']}: {scale['rounds']} "
        f"rounds of {scale['seconds']} s per side, wrk 4 connections, gunicorn 2 sync "
        f"workers); load average before / after: {suite['load_before']} / {suite['load_after']}.",
        "",
        "| pair: A vs B | A req/s median (min-max) | B req/s median (min-max) "
        "| server CPU ms/req A / B | ratio (min-max of rounds) | goal | result "
        "| rounds under foreign load | notes |",
        "|---|---|---|---|---|---|---|---|---|",
        *(pair_row(result) for result in suite["pairs"].values()),
        *sub_rows(imported, attempts),
    ]
    rss = suite["worker_rss_mb"]
    lines += [
        "",
        f"Worker resident memory after the bench (VmRSS): {', '.join(f'{v:.0f}' for v in rss)} MB "
        f"(goal < {WORKER_RSS_GOAL_MB} MB: "
        f"{verdict(bool(rss) and max(rss) < WORKER_RSS_GOAL_MB)}).",
        "",
        "Ratios: ≤ goals are A's time per request over B's (B's req/s / A's), ≥ goals A's "
        "share of B's req/s. A round is under foreign load when other processes used more "
        f"than {FOREIGN_LOAD_LIMIT} CPUs during either side's run.",
    ]
    for problem in suite["problems"]:
        lines.append(f"\nNote: {problem}.")
    return "\n".join(lines) + "\n"


def per_round(suite):
    lines = ["Per-round ratios (* under foreign load, CPUs used by other processes):"]
    for key, result in suite["pairs"].items():
        cells = [
            f"{r['ratio']:.2f}{'*' if r['foreign_load'] else ''}({r['foreign_cpus']:.2f})"
            for r in result["rounds"]
        ]
        lines.append(f"  {key:<20} {' '.join(cells)}")
    return "\n".join(lines)


SECTIONS = ("attempts", "suite")  # of bench/results.json; the top level is the import's


def merge_results(suite, imported, attempts):
    """bench/results.json: the import's keys at the top level (as import_bench writes them,
    all replaced by a new import run), "attempts" (as attempts_bench does) and "suite";
    what this run did not measure is kept."""
    everything = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if imported:
        everything = {key: everything[key] for key in SECTIONS if key in everything}
        everything.update(imported[0])
    if attempts:
        everything["attempts"] = attempts[0]["attempts"]
    everything["suite"] = suite
    RESULTS.write_text(json.dumps(everything, indent=2) + "\n")


# -- main --------------------------------------------------------------------------------------
def load():
    return [round(value, 1) for value in os.getloadavg()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="under 3 minutes")
    parser.add_argument("--only", nargs="*", help="pairs whose key contains one of these")
    parser.add_argument(
        "--no-sub-benches", action="store_true", help="skip import_bench and attempts_bench"
    )
    args = parser.parse_args()
    scale = QUICK if args.quick else FULL
    started = time.monotonic()
    suite = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "scale": scale.__dict__,
        "foreign_load_limit_cpus": FOREIGN_LOAD_LIMIT,
        "load_before": load(),
    }
    with tempfile.TemporaryDirectory(prefix="openquizz-suite-") as work:
        work = Path(work)
        mongod = LocalMongod(data_dir=work / "mongod", port=free_port(), cache_size_gb=1.0)
        mongod.start()
        servers = []
        try:
            env = app_environment(mongod.uri)
            print("migrating and creating the data ...", flush=True)
            manage(env, "migrate", "--verbosity", "0")
            app = Server("app", env, work).start()
            servers.append(app)
            raw = Server("raw", env, work, app="raw_app:application",
                         options=["--pythonpath", "bench"]).start()  # fmt: skip
            servers.append(raw)
            with MongoClient(mongod.uri) as client:
                database = client[DATABASE]
                site = build_site(app, env, database, scale)
                suite["problems"] = check_search(site)
                print(f"data ready after {time.monotonic() - started:.0f} s; pairs:", flush=True)
                suite["pairs"] = run_pairs(
                    app, raw, env, work, site, database, scale, mongod.pid(), args.only
                )
            suite["worker_rss_mb"] = app.worker_rss_mb()
        finally:
            for server in servers:
                server.stop()
            mongod.stop()
    imported = attempts = None
    if not args.no_sub_benches:
        print("import_bench ...", flush=True)
        imported = sub_bench("import_bench.py", scale.import_args)
        print("attempts_bench ...", flush=True)
        attempts = sub_bench("attempts_bench.py", scale.attempts_args)
    suite["load_after"] = load()
    suite["seconds"] = round(time.monotonic() - started)
    table = markdown(suite, imported, attempts)
    print()
    print(table)
    print(per_round(suite))
    MARKDOWN.write_text(table)
    merge_results(suite, imported, attempts)
    print(f"\n{suite['seconds']} s; written: {RESULTS}, {MARKDOWN}")


if __name__ == "__main__":
    main()
