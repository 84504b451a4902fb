# OpenQuizz: `make run` serves the app on http://127.0.0.1:$(PORT) under uvicorn
# (ASGI, README "Serving under ASGI"; the code reloads when it changes), `make test`
# runs the whole suite against a throwaway MongoDB, `make stop` stops the
# embedded MongoDB. Each target creates .venv on first use and reuses it after.

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test stop bench chaos lint messages browser wrk

$(PY):
	$(PYTHON) -m venv $(VENV)

# A stamp per requirements set: pip runs again only when a requirements file changed.
$(VENV)/.installed-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

# Compiled translations; msgfmt comes from Debian's gettext.
messages: | $(PY)
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then \
	  command -v msgfmt >/dev/null || $(MAKE) --no-print-directory apt-gettext; \
	  $(PY) manage.py compilemessages --ignore=.venv --verbosity 0; \
	fi

.PHONY: apt-gettext
apt-gettext:
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q gettext

# Headless Chromium and its driver for the end-to-end tests, from Debian.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver)

run: $(VENV)/.installed-run messages
	@if [ -z "$$MONGODB_URI" ]; then $(PY) manage.py mongod start; fi
	$(PY) manage.py migrate --verbosity 1
	$(PY) manage.py seed_demo
	$(BIN)/uvicorn openquizz.asgi:application --host 127.0.0.1 --port $(PORT) --no-access-log \
	  --reload --reload-dir openquizz --reload-dir quizzes --reload-dir sessions_mw \
	  --timeout-graceful-shutdown 5

test: $(VENV)/.installed-dev messages browser
	$(BIN)/pytest

stop: | $(PY)
	@if [ -f $(VENV)/.installed-run ]; then $(PY) manage.py mongod stop; else echo "Nothing to stop."; fi

# The HTTP load generator of `make bench`, from Debian.
wrk:
	@command -v wrk >/dev/null || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk)

# Side by side with the goals (README "Performance"): a throwaway MongoDB, the app
# under gunicorn as production runs it, wrk A/B pairs in interleaved rounds, then
# the import and hot-quiz benchmarks; prints a Markdown table, writes
# bench/results.json and bench/results.md. About 13 minutes; QUICK=1: under 3.
bench: $(VENV)/.installed-dev wrk
	$(PY) bench/suite.py $(if $(QUICK),--quick)

# Failover under load: a 3-member replica set, gunicorn, writers and four faults
# (README "Failover"); about 6 minutes, not part of `make test`.
chaos: $(VENV)/.installed-dev
	$(PY) bench/chaos.py

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
