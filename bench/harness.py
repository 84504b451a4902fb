"""The machinery of bench/suite.py: servers, wrk, CPU time (ours and other processes').

- Server: gunicorn serving the app (or bench/raw_app.py) on a free port, with
  production settings from the environment the suite gives it; its pids, its
  workers' resident memory, a clean stop.
- CpuWindow: over a measured run, the CPU time of given processes (a server's,
  mongod's) and the CPU time of every process that is not ours (this process,
  its descendants and the children it waited for, wrk included), as a number of
  CPUs: "foreign load". A run taken while other processes used more than
  FOREIGN_LOAD_LIMIT CPUs is marked.
- wrk: one run of the load generator (Debian's wrk), its numbers read from the
  JSON line its Lua `done` hook prints.
"""

import collections
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from openquizz.mongod import free_port  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Other processes using more than this many CPUs during a run mark it.
FOREIGN_LOAD_LIMIT = 0.25


# -- CPU time -------------------------------------------------------------------------------
def stat_fields(pid):
    """The fields of /proc/<pid>/stat after the command name, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def process_ticks(pid):
    """User + system CPU time of a process, in clock ticks (0 if it is gone)."""
    fields = stat_fields(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def descendants(root):
    """Every live descendant of `root`."""
    children = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := stat_fields(entry)):
            children[int(fields[1])].append(int(entry))
    found, queue = [], [root]
    while queue:
        for child in children[queue.pop()]:
            found.append(child)
            queue.append(child)
    return found


def machine_busy_ticks():
    """Non-idle CPU time of the whole machine, all CPUs, in clock ticks."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4]  # less idle and iowait


def waited_children_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class CpuWindow:
    """CPU time spent during a `with` block: by each group of pids, and by other processes.

    Ours: this process, its descendants, and the children it waited for meanwhile
    (wrk). With `sample_every` (seconds), descendants are also read that often, so
    that processes born and gone within the block count as ours even when we do not
    wait for them (another benchmark's mongod); only their last interval is missed.
    """

    def __init__(self, groups, sample_every=None):
        self.groups = groups  # name -> pids
        self.sample_every = sample_every

    def sample(self):
        for pid in descendants(os.getpid()):
            self.latest[pid] = process_ticks(pid)

    def sampling(self):
        while not self.done.wait(self.sample_every):
            self.sample()

    def __enter__(self):
        ours = [os.getpid(), *descendants(os.getpid())]
        self.started = {pid: process_ticks(pid) for pid in ours}
        self.latest = dict(self.started)
        self.busy = machine_busy_ticks()
        self.children = waited_children_seconds()
        self.wall = time.monotonic()
        if self.sample_every:
            self.done = threading.Event()
            self.sampler = threading.Thread(target=self.sampling, daemon=True)
            self.sampler.start()
        return self

    def __exit__(self, *exc):
        self.wall = time.monotonic() - self.wall
        if self.sample_every:
            self.done.set()
            self.sampler.join()
        self.latest[os.getpid()] = process_ticks(os.getpid())
        self.sample()
        spent = {pid: ticks - self.started.get(pid, 0) for pid, ticks in self.latest.items()}
        if not self.sample_every:
            # Only the processes alive at the start; the children waited for come on top.
            spent = {pid: spent[pid] for pid in self.started}
        ours = sum(spent.values()) / CLOCK_TICKS
        if not self.sample_every:
            ours += waited_children_seconds() - self.children
        everyone = (machine_busy_ticks() - self.busy) / CLOCK_TICKS
        self.foreign_cpus = max(0.0, everyone - ours) / self.wall
        self.seconds = {
            name: sum(spent.get(pid, 0) for pid in pids) / CLOCK_TICKS
            for name, pids in self.groups.items()
        }


def rss_mb(pid):
    """Resident memory of a process (VmRSS), in MB; None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# -- servers ----------------------------------------------------------------------------------
class Server:
    """gunicorn on a free port: `app` (a WSGI callable's path) with `options`, `env` on top."""

    def __init__(self, name, env, work_dir, app="openquizz.wsgi", options=()):
        self.name, self.env, self.app, self.options = name, env, app, list(options)
        self.work_dir = Path(work_dir)
        self.process = None
        self.port = None

    def start(self, timeout=90):
        self.port = free_port()
        metrics = self.work_dir / f"metrics-{self.name}"  # gunicorn_conf empties it at start
        metrics.mkdir(exist_ok=True)
        env = {**self.env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
        command = [
            sys.executable, "-m", "gunicorn", self.app,
            "-c", "python:openquizz.gunicorn_conf",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", "2", "--timeout", "120",
            *self.options,
        ]  # fmt: skip
        self.log = open(self.work_dir / f"{self.name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=self.log, stderr=self.log,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start: see {self.log.name}")
            time.sleep(0.3)
        return self

    def answers(self):
        try:
            urllib.request.urlopen(self.url("/healthz"), timeout=5).close()  # noqa: S310 - our http URL
        except urllib.error.HTTPError:
            return True  # any HTTP answer: the raw app has no /healthz
        except OSError:
            return False
        return True

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def workers(self):
        return descendants(self.process.pid)

    def pids(self):
        return [self.process.pid, *self.workers()]

    def worker_rss_mb(self):
        return [round(rss_mb(pid), 1) for pid in self.workers() if rss_mb(pid) is not None]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.log.close()


# -- wrk --------------------------------------------------------------------------------------
# Each wrk thread requests one path of `paths` (a write: each thread its own object,
# so that writes do not contend); `forwarded`: each request from an address of its
# own in 10.0.0.0/16 (X-Forwarded-For, one trusted proxy), as many learners are.
LUA = """
local paths = {%(paths)s}
local forwarded = %(forwarded)s
local counter = 0
wrk.method = "%(method)s"
%(body)s
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end
function init(args)
  path = paths[(index %% #paths) + 1]
  math.randomseed(index * 7919 + os.time())
end
function request()
  if forwarded then
    wrk.headers["X-Forwarded-For"] = string.format(
      "10.0.%%d.%%d", math.random(0, 255), math.random(1, 254))
  end
  return wrk.format(nil, path)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "status_errors": %%d, "socket_errors": %%d, '
    .. '"p50_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def lua_string(text):
    return json.dumps(text)  # a JSON string is a valid Lua string for these characters


def wrk(
    base_url,
    paths,
    seconds,
    *,
    headers=None,
    method="GET",
    body=None,
    forwarded=False,
    connections=4,
):
    """One wrk run: requests/s, latency percentiles (ms), errors. One thread per path."""
    script = LUA % {
        "paths": ", ".join(lua_string(path) for path in paths),
        "forwarded": "true" if forwarded else "false",
        "method": method,
        "body": f"wrk.body = {lua_string(body)}" if body is not None else "",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    command = ["wrk", f"-t{len(paths)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s",
               "-s", file.name]  # fmt: skip
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    try:
        done = subprocess.run(
            [*command, base_url], capture_output=True, text=True, check=True, timeout=seconds + 60
        )
    finally:
        os.unlink(file.name)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "requests": result["requests"],
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["status_errors"] + result["socket_errors"],
    }


# -- statistics -------------------------------------------------------------------------------
def spread(values):
    """Median, min and max."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }
