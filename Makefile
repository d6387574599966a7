# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --quiet --disable-pip-version-check

.PHONY: demo test lint unit bench system-deps clean

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

test: system-deps lint unit

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/parse.py

clean:
	rm -rf $(VENV) out .pytest_cache .hypothesis .ruff_cache
