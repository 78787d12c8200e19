# Two commands set everything up on a fresh machine:
#   make lab    create .venv, install backcare, open JupyterLab on the start notebook
#   make test   create .venv with the test tools and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: lab app test lint format voila screenshots benchmarks demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# The stamps re-run the install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# JupyterLab serves the whole checkout (data/user/ shows in its file browser, and the
# paths are Binder's: /lab/tree/notebooks/...). Root (containers, cloud machines) needs
# --allow-root; nobody else gets it. Options go in LAB_ARGS / APP_ARGS, e.g.
#   make lab LAB_ARGS="--no-browser --port=8890"
LAB_ARGS ?=
APP_ARGS ?=
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: $(VENV)/.installed
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)" $(LAB_ARGS) notebooks/00_start_here.ipynb

# The app page: the six parts as tabs, code hidden (Voila).
app: $(VENV)/.installed
	$(BIN)/voila $(APP_ARGS) notebooks/app.ipynb

voila: $(VENV)/.installed
	$(BIN)/voila $(APP_ARGS) notebooks/02_guided_session.ipynb

# Refresh the README's pictures in docs/screenshots (a plain test run never writes there).
screenshots: $(VENV)/.installed-test
	BACKCARE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -m browser -p no:cacheprovider tests/browser $(PYTEST_ARGS)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmarks: $(VENV)/.installed-test
	for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script --quick || exit 1; done

demo: $(VENV)/.installed
	$(BIN)/python -m backcare.demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
