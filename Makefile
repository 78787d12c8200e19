# Two commands set everything up on a fresh machine:
#   make lab    create .venv, install backcare, open JupyterLab on the start notebook
#   make test   create .venv with the test tools and run every test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: lab test lint format voila benchmarks demo clean

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

LAB_ARGS ?=
lab: $(VENV)/.installed
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/00_start_here.ipynb

voila: $(VENV)/.installed
	$(BIN)/voila notebooks/02_guided_session.ipynb

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
