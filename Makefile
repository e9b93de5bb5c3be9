# Thin targets over the package; each bootstraps .venv when pyproject.toml changes.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help brief test lint format bench evaluate lab clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

brief: $(STAMP) ## Build the brief from seeds/ into reports/ (HTML and PDF)
	$(BIN)/mongolia-brief build $(ARGS)

test: $(STAMP) ## Run the whole test suite
	$(BIN)/python -m pytest $(ARGS)

lint: $(STAMP) ## Check style with ruff
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

evaluate: $(STAMP) ## Print extraction precision/recall/F1 against tests/gold
	$(BIN)/python -m mongolia_analysis.evaluate --write mongolia_analysis/data/evaluation.csv

bench: $(STAMP) ## Run the benchmarks in bench/ (writes bench/RESULTS.md)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	$(BIN)/jupyter lab notebooks/

clean: ## Remove the virtual environment and caches (keeps reports/)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
