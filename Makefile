# Two commands set everything up on a fresh machine: `make run` and `make test` (see README).
PYTHON_BOOT ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := DJANGO_DEBUG=True $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
ARGS ?=

.PHONY: run test lint format messages compile icons migrations-check collectstatic install install-dev clean

$(PY):
	$(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

# Stamps: reinstall only when a requirements file changed.
$(VENV)/.installed: requirements.txt | $(PY)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## compile: build the .mo translation files from the .po catalogues (pure Python, no gettext)
compile: install
	@$(MANAGE) compiletranslations --verbosity 0

## icons: build static/img/icons.svg, the sprite of the Bootstrap icons the code uses, from the
## installed package (chapter/icons.py; the file is not committed)
icons: install
	@$(MANAGE) build_icons --verbosity 0

## run: install, migrate the SQLite database, load the demo if it is empty, serve on :8000
## with a background worker beside the server (large exports and imports); Ctrl+C stops both
run: install compile icons
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) seed_demo --if-empty
	$(MANAGE) cleanup_jobs --orphans --verbosity 0
	@echo ""
	@echo "  Open http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@echo "  Demo users: bithu (secretary), totruong1..totruong4 (cell leaders), capuy (committee), admin"
	@echo "  Password: demo"
	@echo ""
	@$(MANAGE) db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(HOST):$(PORT)

## test: install the dev requirements and run the whole suite (honours DATABASE_URL)
test: install-dev compile icons
	$(BIN)/pytest $(ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: extract translatable strings into locale/vi (needs GNU gettext)
messages: install
	$(MANAGE) makemessages --locale vi --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete --add-location file

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

collectstatic: install icons
	DJANGO_SECRET_KEY=collectstatic-only $(PY) manage.py collectstatic --noinput --verbosity 0

clean:
	rm -rf $(VENV) staticfiles .pytest_cache static/img/icons.svg
