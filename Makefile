# refurb — `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000

.PHONY: run test test-sqlite test-postgresql lint system-deps translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/refurb init
	$(BIN)/refurb demo --if-empty
	REFURB_DEMO=true $(BIN)/refurb run --port $(PORT)

# Debian packages the suite uses (Chromium, poppler-utils, zbar-tools); installed when
# missing and we are root.
SYSTEM_PACKAGES := chromium:chromium pdftotext:poppler-utils zbarimg:zbar-tools
system-deps:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing Debian packages:$$missing (apt-get install them; the tests that need them are skipped)"; fi; fi

test: $(VENV)/.installed-test system-deps
	$(BIN)/ruff check refurb tests $(wildcard bench)
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --postgresql

test-sqlite: $(VENV)/.installed-test
	$(BIN)/python -m pytest

test-postgresql: $(VENV)/.installed-test
	$(BIN)/python -m pytest --postgresql

lint: $(VENV)/.installed-test
	$(BIN)/ruff check refurb tests $(wildcard bench)
	$(BIN)/ruff format --check refurb tests $(wildcard bench)

# Extract the interface strings and update the English catalogue, then compile it.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o refurb/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i refurb/translations/messages.pot -d refurb/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d refurb/translations

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
