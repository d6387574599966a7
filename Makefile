# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --quiet --disable-pip-version-check

.PHONY: demo test lint unit compat bench docs system-deps clean

# The oldest pandas the contract supports gets its own environment and the same tests.
COMPAT_VENV ?= .venv-pandas22

$(PY):
	$(PYTHON) -m venv $(VENV)

# ocrframe itself, editable
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	touch $@

# everything the full test suite needs
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/ocrframe demo

# system packages the tests use (installed only when missing; needs root or sudo)
system-deps:
	@bash .ci/system-deps.sh

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

unit: $(VENV)/.installed-dev
	$(PY) -m pytest

$(COMPAT_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip --quiet --disable-pip-version-check install -e ".[dev]" "pandas==2.2.*" "numpy<2.3"
	touch $@

compat: $(COMPAT_VENV)/.installed
	$(COMPAT_VENV)/bin/python -m pytest -q -p no:cacheprovider tests ocrframe --ignore=tests/test_browser.py -m "not slow"

test: system-deps lint unit compat

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/parse.py
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/cards.py
	$(PY) benchmarks/serve_load.py
	$(PY) benchmarks/client.py

# the pictures the README shows
docs: $(VENV)/.installed
	$(PY) docs/make_figures.py

clean:
	rm -rf $(VENV) $(COMPAT_VENV) out .pytest_cache .hypothesis .ruff_cache
