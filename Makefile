# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check bench serve snapshots export clean help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)  ## set up and build the site into _site/
	$(BIN)/site-builder build

test: $(STAMP)  ## set up and run every test
	$(BIN)/python -m pytest

check: $(STAMP)  ## lint, type-check and test, as CI does
	$(BIN)/ruff check site_builder tests
	$(BIN)/ruff format --check site_builder tests
	$(BIN)/mypy site_builder
	$(BIN)/python -m pytest

export: $(STAMP)  ## write the story as one self-contained file, _export/story.html
	$(BIN)/site-builder export --single-file _export/story.html

clean:  ## remove the built site, the cache and the environment
	rm -rf _site _export .cache $(VENV)

snapshots: $(STAMP)  ## regenerate the golden site summary after a deliberate change
	UPDATE_SNAPSHOTS=1 $(BIN)/python -m pytest -q tests/test_build.py -k golden
