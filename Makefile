# Everything runs inside a local virtual environment, created on first use from pyproject.toml.
# A fresh machine needs only python3 (with venv and pip) and gcc (which also builds the compiled
# enumeration kernel, arrangement/geometry/_kernel.c).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv run test lint bench figures sage-peer clean

help:
	@echo "make run    exact statistics of the default bundled dataset (arrangement stats)"
	@echo "make test   ruff check, mypy, the layering contract (lint-imports), then the test suite"
	@echo "make lint   ruff check, mypy and the layering contract (lint-imports)"
	@echo "make bench  chambers per second (bench/bench_regions.py; SageMath too if installed), certify-network (bench/bench_network.py), certified training (bench/bench_solve.py)"
	@echo "make figures  redraw every README and docs figure (docs/images/make_figures.py)"
	@echo "make sage-peer  install SageMath's polyhedra (passagemath) into .venv-sage for make bench"
	@echo "make venv   create $(VENV) and install the package with its dev extras"
	@echo "make tutorial  rebuild and run docs/tutorial.ipynb (the test suite runs it too)"
	@echo "make clean  remove caches and build outputs (keeps $(VENV))"

# Re-run the installation whenever pyproject.toml or the compiled kernel's source changes (an
# editable install builds arrangement/geometry/_kernel.c in place, once).
$(STAMP): pyproject.toml arrangement/geometry/_kernel.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/arrangement stats

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/python bench/bench_regions.py
	$(BIN)/python bench/bench_network.py
	$(BIN)/python bench/bench_solve.py

figures: $(STAMP)
	$(BIN)/python docs/images/make_figures.py

# The optional benchmark peer lives in its own environment: never a dependency of the package.
sage-peer:
	$(PYTHON) -m venv .venv-sage
	.venv-sage/bin/python -m pip install passagemath-polyhedra

# Rebuild docs/tutorial.ipynb from docs/make_tutorial.py and save it with its outputs.
tutorial: $(STAMP)
	$(BIN)/python docs/make_tutorial.py

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
