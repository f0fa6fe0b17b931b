# Two commands on a fresh machine: `make site` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check bench serve snapshots export pdf clean help browser-tools

# Browser tests drive Debian's Chromium and check HTML with the Nu Html Checker (npm's vnu-jar) on Java;
# the deploy tests serve the site with Debian's nginx.
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
TOOLS := .tools
VNU_JAR := $(TOOLS)/node_modules/vnu-jar/build/dist/vnu.jar

# make site BASE_URL=https://example.org/story/ (the published address: canonical links, sitemap, absolute social links)
BASE_URL ?=
# make site STRICT=1 PREVIOUS=published-figures.json: stop if a published figure changed with no revision note
STRICT ?=
PREVIOUS ?=
# make serve PORT=8001; make bench RUNS=5 SCALES=13,130,1300 (the 1,300-service build adds about 45 s on 2 cores)
PORT ?= 8000
RUNS ?= 5
SCALES ?= 13,130
AB ?=
CHANGES ?=

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/site-builder runtime  # the browser's Vega runtime, bundled once for every build
	$(BIN)/python -m compileall -q site_builder story  # as pip does for installed packages: where PYTHONDONTWRITEBYTECODE is set, nothing else would
	touch $(STAMP)

site: $(STAMP)  ## set up and build the site into _site/, saying what changed since the last build (BASE_URL=https://... for the published address; CHANGES=1 lists every change)
	$(BIN)/site-builder build $(if $(BASE_URL),--base-url $(BASE_URL)) $(if $(CHANGES),--changes) $(if $(STRICT),--strict) $(if $(PREVIOUS),--previous $(PREVIOUS))

test: $(STAMP) browser-tools  ## set up and run every test
	VNU_JAR=$(VNU_JAR) $(BIN)/python -m pytest

# The overflow tests measure the charts in Liberation Sans (Arial's widths) and DejaVu Sans (a reader's fallback).
FONTS := /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf

browser-tools: $(VNU_JAR)  ## install Chromium, Java, nginx and the fonts the charts are checked in (Debian packages) and the Nu Html Checker, if missing
	@if [ ! -x $(CHROMIUM) ] || [ ! -x $(NGINX) ] || ! command -v java >/dev/null || ! ls $(FONTS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium, Java, nginx and fonts with apt-get (browser and deploy tests need them)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium default-jre-headless nginx fonts-liberation fonts-dejavu-core >/dev/null; \
	  else \
	    echo "error: browser tests need $(CHROMIUM), $(NGINX), java and fonts: run 'sudo apt-get install chromium default-jre-headless nginx fonts-liberation fonts-dejavu-core'" >&2; exit 1; \
	  fi; \
	fi

$(VNU_JAR):
	@command -v npm >/dev/null || { echo "error: the Nu Html Checker comes from npm: install Node.js and npm" >&2; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(TOOLS) vnu-jar@26

check: $(STAMP) browser-tools  ## lint, type-check and test, as CI does
	$(BIN)/ruff check site_builder story tests bench deploy
	$(BIN)/ruff format --check site_builder story tests bench deploy
	$(BIN)/mypy site_builder story
	VNU_JAR=$(VNU_JAR) $(BIN)/python -m pytest

export: $(STAMP)  ## write the story as one self-contained file, _export/story.html
	$(BIN)/site-builder export --single-file _export/story.html

pdf: $(STAMP) browser-tools  ## print the story to PDF through Chromium, _export/story.pdf
	$(BIN)/site-builder export --pdf _export/story.pdf

serve: $(STAMP)  ## preview on http://127.0.0.1:8000/, rebuilding and reloading on every change (PORT=8000)
	$(BIN)/site-builder serve --port $(PORT)

bench: $(STAMP) browser-tools  ## time builds, rebuilds, preview, page weights and scale into _bench/report.json (RUNS=5 SCALES=13,130)
	$(BIN)/python bench/bench.py --runs $(RUNS) --scales $(SCALES) $(if $(AB),--ab $(AB))

clean:  ## remove the built site, the cache, the benchmark report and the environment
	rm -rf _site _export _bench .cache $(VENV) $(TOOLS)

snapshots: $(STAMP)  ## regenerate the golden site summary after a deliberate change
	UPDATE_SNAPSHOTS=1 $(BIN)/python -m pytest -q tests/test_build.py -k golden
