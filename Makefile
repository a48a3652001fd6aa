# Two commands on a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6.1 needs Python 3.12+; the machine's python3 may be older, so look further.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 \
	$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test install browser proxy audio pgtools replica messages messages-update lint format bench clean

$(BIN)/.installed: requirements.lock pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "No Python 3.12 or newer found. Install one (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12 …'." >&2; \
		exit 1; fi
	@command -v msgfmt >/dev/null || { echo "Installing gettext (for the translation catalogs)…"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq gettext >/dev/null; \
		else echo "Please install gettext (sudo apt-get install gettext)." >&2; exit 1; fi; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $@

install: $(BIN)/.installed

messages: install
	DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv -v0

run: messages audio
	@mkdir -p var/broker
	DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Starting the portal at http://127.0.0.1:8000 (Ctrl+C stops it)"
	DEBUG=1 PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

# The browser tests (tests/e2e) drive Debian's Chromium and run axe-core from npm; without
# them those tests are skipped (and fail under CI=true).
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq
browser:
	@command -v chromium >/dev/null || { echo "Installing Chromium (for tests/e2e)…"; \
		$(APT_INSTALL) chromium >/dev/null; \
		else echo "No Chromium: browser tests will be skipped (sudo apt-get install chromium)." >&2; fi; }
	@command -v npm >/dev/null || { echo "Installing Node.js and npm (for axe-core)…"; \
		$(APT_INSTALL) nodejs npm >/dev/null; \
		else echo "No npm: accessibility tests will be skipped (sudo apt-get install npm)." >&2; fi; }
	@! command -v npm >/dev/null || test node_modules/.package-lock.json -nt package-lock.json || \
		npm ci --no-audit --no-fund --silent

# Recordings are kept as Opus, made by Debian's ffmpeg (schools/audio.py); without it they
# are kept as uploaded, heavier, and the recording tests fail.
audio:
	@command -v ffmpeg >/dev/null || { echo "Installing ffmpeg (recordings are kept as Opus)…"; \
		$(APT_INSTALL) ffmpeg >/dev/null; \
		else echo "No ffmpeg: recordings will be kept as uploaded (sudo apt-get install ffmpeg)." >&2; fi; }
	@# The demo's guides are read aloud by espeak-ng (seed_demo), so each can be listened
	@# to; tests/portal/test_demo_recordings.py checks it.
	@command -v espeak-ng >/dev/null || { echo "Installing espeak-ng (to record the demo guides)…"; \
		$(APT_INSTALL) espeak-ng >/dev/null; \
		else echo "No espeak-ng: the demo guides will have no recordings (sudo apt-get install espeak-ng)." >&2; fi; }

# tests/portal/test_nginx.py starts the shipped proxy configuration (deploy/nginx.conf) with
# Debian's nginx and a throwaway certificate from openssl; skipped without them (not in CI).
proxy:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "Installing nginx (for tests/portal/test_nginx.py)…"; \
		$(APT_INSTALL) nginx-light openssl >/dev/null; \
		else echo "No nginx: the proxy tests will be skipped (sudo apt-get install nginx-light)." >&2; fi; }

# tests/portal/test_backup.py does the backup drill with pg_dump and pg_restore.
pgtools:
	@command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || { echo "Installing pg_dump and pg_restore (for tests/portal/test_backup.py)…"; \
		$(APT_INSTALL) postgresql-client >/dev/null; \
		else echo "No pg_dump: the backup drill will be skipped (sudo apt-get install postgresql-client)." >&2; fi; }

# tests/reports/test_replica.py starts a primary and a streaming replica of its own with
# PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup); skipped without them (not in CI).
replica:
	@ls /usr/lib/postgresql/*/bin/pg_basebackup >/dev/null 2>&1 || command -v pg_basebackup >/dev/null || \
		{ echo "Installing PostgreSQL's server programs (for tests/reports/test_replica.py)…"; \
		$(APT_INSTALL) postgresql >/dev/null; \
		else echo "No initdb/pg_basebackup: the replica test will be skipped (sudo apt-get install postgresql)." >&2; fi; }

test: messages browser proxy audio pgtools replica
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var

messages-update: install
	DEBUG=1 $(BIN)/python manage.py makemessages -a --no-location --no-obsolete \
		--ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=locale_django -v0
	$(BIN)/python scripts/po_headers.py

# Every bench/*.py script (pages, load, and any other); not part of `make test` or CI. Each
# prints to var/bench/<name>.txt too; the issue's three tables (pages, reminders, reports),
# each with its load average, close the run. BENCH_QUICK=1: sizes that end in minutes.
bench: messages browser
	@command -v wrk >/dev/null || { echo "Installing wrk…"; $(APT_INSTALL) wrk >/dev/null; \
		else echo "Please install wrk (sudo apt-get install wrk)." >&2; exit 1; fi; }
	$(BIN)/python -m pip install --quiet "locust>=2.30,<3"
	@test bench/node_modules/.package-lock.json -nt bench/package-lock.json || \
		npm ci --prefix bench --no-audit --no-fund --silent
	@mkdir -p var/bench; status=0; for script in bench/*.py; do \
		name=$$(basename $$script .py); \
		echo "== $$script (load average $$(cut -d' ' -f1-3 /proc/loadavg))"; \
		{ $(BIN)/python $$script 2>&1; echo $$? > var/bench/$$name.rc; } | tee var/bench/$$name.txt; \
		code=$$(cat var/bench/$$name.rc); \
		[ "$$code" = 0 ] || { echo "$$script failed ($$code)"; status=1; }; \
		done; \
	for name in pages reminders reports; do \
		echo; echo "== the issue's table: $$name (var/bench/$$name.txt)"; \
		grep -h '^|' var/bench/$$name.txt || echo "(no table: see var/bench/$$name.txt)"; \
	done; exit $$status
