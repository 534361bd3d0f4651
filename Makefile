# Lotsen: `make run` sets up and starts the bot on SQLite, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
PLAYGROUND := @microsoft/m365agentsplayground@0.2.28
SCHEMA_DIR := manifest/schema

.PHONY: run chat test migrate install install-dev schemas playground bench manifest clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==25.3

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Microsoft's Teams manifest schemas, pinned in manifest/schema/package-lock.json, for the manifest test.
$(SCHEMA_DIR)/node_modules/.package-lock.json: $(SCHEMA_DIR)/package-lock.json
	npm ci --prefix $(SCHEMA_DIR) --no-audit --no-fund --loglevel=error
schemas: $(SCHEMA_DIR)/node_modules/.package-lock.json

migrate: install
	$(PY) -m cli migrate

run: migrate
	$(PY) app.py

chat: migrate
	$(PY) -m cli chat

test: install-dev schemas
	$(PY) -m pytest -n auto

bench: install-dev
	$(PY) bench/turns.py
	$(PY) bench/long_messages.py
	$(PY) bench/qa.py
	$(PY) bench/reminders.py
	$(PY) bench/compilation.py

manifest: install
	$(PY) -m manifest build

# The bot in the background, and Microsoft 365 Agents Playground (a local Teams stand-in) in front of it;
# open http://localhost:56150 (it opens itself where the machine has a browser).
playground: migrate
	$(PY) app.py & BOT_PID=$$!; trap "kill $$BOT_PID" EXIT INT TERM; \
	command -v xdg-open >/dev/null || command -v open >/dev/null || export TEAMSAPPTESTER_BROWSER=none; \
	npx --yes $(PLAYGROUND) -e "http://127.0.0.1:$${PORT:-3978}/api/messages" -c msteams --dt

clean:
	rm -rf $(VENV) build $(SCHEMA_DIR)/node_modules
