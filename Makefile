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

# Debian packages the browser tests need (Chromium); installed when missing and we are root.
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "chromium missing: apt-get install chromium (browser tests will be skipped)"; fi; }

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
