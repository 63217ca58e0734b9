# OpenNRM: `make run` starts the demo on http://127.0.0.1:8000, `make test` runs every test.
# Both set up what they need on a fresh machine with Python 3.11 (Debian packages included).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test setup system-deps browser-deps messages lint imports typecheck check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) system-deps messages

# gettext compiles the translations; Pango and the DejaVu fonts are WeasyPrint's (the annual
# report's PDF); installed from Debian when missing.
system-deps:
	@command -v msgfmt >/dev/null && /sbin/ldconfig -p | grep -q libpango-1.0 || { \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install \
		-y -qq gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

# The browser tests drive Debian's Chromium (never a downloaded browser build).
browser-deps:
	@[ -x /usr/bin/chromium ] && [ -x /usr/bin/pdftoppm ] || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core \
		poppler-utils >/dev/null; }

messages:
	@for po in $(wildcard locale/*/LC_MESSAGES/django.po); do \
		msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

var/opennrm.env:
	$(PYTHON) -m opennrm.crypto.keyfile var/opennrm.env

run: setup var/opennrm.env
	OPENNRM_DEMO_MODE=1 $(PY) manage.py migrate --noinput
	OPENNRM_DEMO_MODE=1 $(PY) manage.py collectstatic --noinput -v0
	OPENNRM_DEMO_MODE=1 $(PY) manage.py load_demo
	@echo "OpenNRM is starting on http://127.0.0.1:8000 (Ctrl-C stops it and its worker)"
	@trap 'kill 0' INT TERM EXIT; \
		OPENNRM_DEMO_MODE=1 $(PY) manage.py db_worker --no-reload & \
		OPENNRM_DEMO_MODE=1 $(PY) manage.py runserver 127.0.0.1:8000 --noreload

# One test process per core (pytest-xdist): the suite is some 3,400 tests per database.
PYTEST_ARGS ?= -n auto

test: setup browser-deps
	mkdir -p test-output
	$(PY) -m pytest $(PYTEST_ARGS)

# Style and formatting (ruff).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The layers of docs/architecture.md (import-linter, contracts in pyproject.toml).
imports: $(STAMP)
	$(VENV)/bin/lint-imports

# Types of the opennrm package (mypy with django-stubs, settings in pyproject.toml).
typecheck: $(STAMP)
	$(VENV)/bin/mypy

# What CI checks before the tests.
check: lint imports typecheck

bench: setup
	$(PY) bench/page_weight.py

clean:
	rm -rf $(VENV) test-output
