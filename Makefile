# Two commands set everything up on a fresh machine:
#   make lab    create .venv, install backcare, open JupyterLab on the start notebook
#   make test   create .venv with the test tools and run every test
# Both install with uv the exact versions pinned in uv.lock (uv comes from the machine, or
# from PyPI into .tools/ the first time). After changing the dependencies in pyproject.toml,
# run `make lock` and commit uv.lock with it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
TOOLS  := .tools
UV_VERSION := 0.13.9
UV     := $(or $(shell command -v uv 2>/dev/null),$(TOOLS)/bin/uv)
# Use the machine's Python; never download one.
export UV_PYTHON_DOWNLOADS := never
# --locked: stop if uv.lock is out of step with pyproject.toml; --inexact: keep what another
# target installed (make lab after make test keeps the test tools).
SYNC   := $(UV) sync --quiet --locked --inexact --python $(PYTHON)

.PHONY: lab app test lint format voila screenshots lite lock benchmarks demo clean

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The stamps re-run the install when pyproject.toml or uv.lock changes.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(SYNC) --extra lab
	touch $@

$(VENV)/.installed-test: pyproject.toml uv.lock | $(UV)
	$(SYNC) --extra lab --extra test
	touch $(VENV)/.installed $(VENV)/.installed-lite $@

$(VENV)/.installed-lite: pyproject.toml uv.lock | $(UV)
	$(SYNC) --extra lite
	touch $@

lock: | $(UV)
	$(UV) lock

# JupyterLab serves the whole checkout (data/user/ shows in its file browser, and the
# paths are Binder's: /lab/tree/notebooks/...). Root (containers, cloud machines) needs
# --allow-root; nobody else gets it. Options go in LAB_ARGS / APP_ARGS, e.g.
#   make lab LAB_ARGS="--no-browser --port=8890"
LAB_ARGS ?=
APP_ARGS ?=
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# Two checks that cannot find anything here are switched off; each slowed every start
# (benchmarks/first_start.py): the language-server extension looked for language servers
# (none is installed; 0.5 s), and JupyterLab's build check read every extension's package
# files while the page loaded (every extension comes prebuilt; 0.5 s).
# jupyter-lab is called directly: the `jupyter` dispatcher would be one more Python start.
LAB_OPTS := --ServerApp.jpserver_extensions='{"jupyter_lsp": False}' \
	--ServerApp.tornado_settings='{"page_config_data": {"buildCheck": False, "buildAvailable": False}}'
lab: $(VENV)/.installed
	$(BIN)/jupyter-lab $(ALLOW_ROOT) --ServerApp.root_dir="$(CURDIR)" $(LAB_OPTS) $(LAB_ARGS) notebooks/00_start_here.ipynb

# The app page: the six parts as tabs, code hidden (Voila).
app: $(VENV)/.installed
	$(BIN)/voila $(APP_ARGS) notebooks/app.ipynb

# A static JupyterLite site in build/lite (the workbook in the browser; prints its size).
lite: $(VENV)/.installed-lite
	$(BIN)/python docs/lite/build_site.py --output build/lite

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
