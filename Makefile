# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
PYTHON_BOOTSTRAP ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test install install-dev messages translations lint format migrate demo clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON_BOOTSTRAP) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

install install-dev: $(VENV)/.installed

# Compile the Danish catalogues (gettext's msgfmt does the work).
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: install gettext (apt-get install gettext)"; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv -v0

# After changing user-facing strings: collect them into each app's catalogue (no line numbers, so
# that parallel branches do not conflict on them) and fill the Danish texts from
# locale/translations/*.json. Prints what is still untranslated.
translations: install
	$(PY) manage.py makemessages -l da --no-location --ignore=.venv --ignore=tests --ignore=bench -v0
	$(PY) scripts/translate.py locale/translations/*.json

migrate: install
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py seed_demo

# Web server, Celery worker and beat on http://127.0.0.1:8000 with the demo programme.
# The demo's staff log in with the password alone (TWO_FACTOR_REQUIRED_ROLES empty); each can
# still turn on two-step login on the Security page. Production requires it (see README).
run: messages demo
	TWO_FACTOR_REQUIRED_ROLES= $(VENV)/bin/honcho start -f Procfile

# ruff, then the layers and cycles (import-linter, pyproject.toml), then the types (mypy with
# django-stubs; it imports the settings but needs no database).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The whole suite: lint, migrations in step with the models, then every test.
test: messages lint
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles db.sqlite3
