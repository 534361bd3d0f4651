# Lotsen: `make run` sets up and starts the bot on SQLite, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
# Playwright (tests/browser) drives Debian's chromium; no install step may download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
SCHEMA_DIR := manifest/schema
# Microsoft 365 Agents Playground, pinned in tests/browser/playground/package-lock.json (0.2.28), for
# `make playground` and the browser test. It gives every activity the locale en-US whatever one asks for, so a
# relay in front of the bot gives them PLAYGROUND_LOCALE instead (tests/browser/playground/relay.py).
PLAYGROUND_DIR := tests/browser/playground
PLAYGROUND_LOCALE ?= sv-SE
PLAYGROUND_PORT ?= 56150
PLAYGROUND_RELAY_PORT ?= 3979

.PHONY: run chat test migrate install install-dev bytecode lock schemas playground-install playground bench bench-install manifest clean

# Installs come from the lock files, every package pinned with its hashes (pip checks them, and --no-deps
# installs nothing the lock does not name). requirements*.txt are what we edit; `make lock` makes the locks.
PIP_INSTALL = $(PY) -m pip install --quiet --require-hashes --no-deps

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) --upgrade -r requirements-pip.lock

$(VENV)/.installed: requirements.lock | $(VENV)/bin/python
	$(PIP_INSTALL) -r requirements.lock
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(PIP_INSTALL) -r requirements-dev.lock
	touch $@

# The lock files, from requirements*.txt, by pip-tools (in a virtualenv of its own): run after changing a pin.
LOCK_VENV := .venv-lock
PIP_COMPILE = $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-header --annotation-style=line
lock:
	test -x $(LOCK_VENV)/bin/python || $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet pip-tools==7.7.0
	$(PIP_COMPILE) --output-file=requirements-pip.lock requirements-pip.txt
	$(PIP_COMPILE) --output-file=requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file=requirements-dev.lock requirements-dev.txt

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Microsoft's Teams manifest schemas, pinned in manifest/schema/package-lock.json, for the manifest test.
$(SCHEMA_DIR)/node_modules/.package-lock.json: $(SCHEMA_DIR)/package-lock.json
	npm ci --prefix $(SCHEMA_DIR) --no-audit --no-fund --loglevel=error
schemas: $(SCHEMA_DIR)/node_modules/.package-lock.json

# The pinned Agents Playground, for `make playground` and tests/browser (which drives it in Debian's chromium).
$(PLAYGROUND_DIR)/node_modules/.package-lock.json: $(PLAYGROUND_DIR)/package-lock.json
	npm ci --prefix $(PLAYGROUND_DIR) --no-audit --no-fund --loglevel=error
playground-install: $(PLAYGROUND_DIR)/node_modules/.package-lock.json

# Lotsen's own modules compiled once, as pip compiles the packages it installs: a process started where
# PYTHONDONTWRITEBYTECODE is set (containers often set it) otherwise compiles them again at every start-up.
bytecode: install
	$(PY) -m compileall -q -j 0 app.py settings.py bot dialogs policy storage reminders reports directory observability cli texts manifest

migrate: bytecode
	$(PY) -m cli migrate

run: migrate
	$(PY) app.py

chat: migrate
	$(PY) -m cli chat

test: install-dev bytecode schemas playground-install
	$(PY) -m pytest -n auto

# The Microsoft 365 Agents SDK echo bot that bench/turns.py compares with, in a virtualenv of its own
# (requirements-bench.txt), so the product never depends on the SDK.
bench-install:
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet --upgrade pip==25.3
	.venv-bench/bin/python -m pip install --quiet -r requirements-bench.txt

bench: install-dev bench-install bytecode
	$(PY) bench/turns.py
	$(PY) bench/statements.py
	$(PY) bench/long_messages.py
	$(PY) bench/qa.py
	$(PY) bench/reminders.py
	$(PY) bench/compilation.py

manifest: install
	$(PY) -m manifest build

# The bot in the background, the locale relay, and Microsoft 365 Agents Playground (a local Teams stand-in) in
# front of them, as a Swedish user (PLAYGROUND_LOCALE=en-US for an English one); open
# http://localhost:$(PLAYGROUND_PORT) (it opens itself where the machine has a browser).
playground: migrate playground-install
	$(PY) app.py & BOT_PID=$$!; \
	$(PY) -m tests.browser.playground.relay --listen $(PLAYGROUND_RELAY_PORT) --locale $(PLAYGROUND_LOCALE) \
		--bot "http://127.0.0.1:$${PORT:-3978}/api/messages" & RELAY_PID=$$!; \
	trap "kill $$BOT_PID $$RELAY_PID" EXIT INT TERM; \
	command -v xdg-open >/dev/null || command -v open >/dev/null || export TEAMSAPPTESTER_BROWSER=none; \
	$(PLAYGROUND_DIR)/node_modules/.bin/agentsplayground -e "http://127.0.0.1:$(PLAYGROUND_RELAY_PORT)/api/messages" \
		-c msteams --dt -p $(PLAYGROUND_PORT)

clean:
	rm -rf $(VENV) .venv-bench build $(SCHEMA_DIR)/node_modules $(PLAYGROUND_DIR)/node_modules
