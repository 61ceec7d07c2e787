# bibcv -- the two commands a newcomer needs:
#   make cv    build every CV in cv/ into build/<name>.tex and build/<name>.pdf
#   make site  build every CV's web page and Markdown: build/<name>.html, .md (no TeX)
#   make bib   export the publications each CV shows to build/<name>.bib
#   make watch build every CV, then rebuild each one as its files change (Ctrl-C stops)
#   make serve the same, and serve build/ at http://127.0.0.1:8000/: open pages reload
#   make test  run the test suite (it compiles real PDFs, runs bibtex and biber)
#   make test-deep  run the Markdown and HTML property tests with 20,000 new examples each
#   make bench time builds (see scripts/bench_build.py and scripts/bench_bib.py)
#   make images remake the README's pictures in docs/ from bibcv's own output
# Both set up what is missing first: a .venv with bibcv installed, and the TeX
# Live pieces and fonts from Debian packages (see scripts/system-deps.sh).

PYTHON ?= python3
OUT ?= build
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# bibcv's modules compiled to bytecode, refreshed when one changes: Python writes these
# caches itself on first use unless told not to (PYTHONDONTWRITEBYTECODE), and without
# them each bibcv command compiles every module it imports again (0.1 s for a build).
COMPILED := $(VENV)/.compiled
SOURCES := $(wildcard src/bibcv/*.py src/bibcv/*/*.py)

# A CV is a YAML file in cv/. Files whose names start with "_" are base files:
# they hold facts that several CVs share through `extends:`, and are not built.
CVS := $(filter-out cv/_%,$(wildcard cv/*.yaml))

.PHONY: cv site bib watch serve test test-deep bench images lint system-deps test-deps clean

# bibcv builds the CVs in parallel (one per processor), and only those whose inputs
# changed since their last build.
cv: system-deps $(INSTALLED) $(COMPILED)
	$(BIN)/bibcv build $(CVS) -o $(OUT)

# Web pages and Markdown need no TeX; like `make cv`, only CVs whose inputs changed are rebuilt.
site: $(INSTALLED) $(COMPILED)
	$(BIN)/bibcv build $(CVS) -o $(OUT) --format html,md

# Builds each CV as `make cv` does, then rebuilds it whenever a file it reads changes.
watch: system-deps $(INSTALLED) $(COMPILED)
	$(BIN)/bibcv watch $(CVS) -o $(OUT)

# As `make watch`, making web pages too, served on this machine only; open pages reload
# when their CV is rebuilt (PORT=8000 by default).
PORT ?= 8000
serve: system-deps $(INSTALLED) $(COMPILED)
	$(BIN)/bibcv serve $(CVS) -o $(OUT) --port $(PORT)

bib: $(INSTALLED) $(COMPILED)
	@for cv in $(CVS); do \
	  $(BIN)/bibcv export-bib "$$cv" -o "$(OUT)/$$(basename "$$cv" .yaml).bib" || exit 1; \
	done

test: test-deps $(INSTALLED) $(COMPILED)
	$(BIN)/ruff check src tests scripts
	$(BIN)/pytest -n auto

# Not part of `make test`: each run draws 20,000 new random examples per property test
# (the profile "deep" in tests/conftest.py), where `make test` draws 200.
test-deep: $(INSTALLED)
	BIBCV_PROPERTY_PROFILE=deep $(BIN)/pytest -n auto -m deep -q

bench: system-deps $(INSTALLED) $(COMPILED)
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_bib.py
	$(BIN)/python scripts/bench_check.py

# Every picture in docs/: page images of the CVs and the every-type CV, the citation styles,
# the theme gallery and the web-page screenshots (pdftoppm, and Chromium for the pages).
images: system-deps test-deps $(INSTALLED) $(COMPILED)
	$(BIN)/python scripts/page_images.py
	$(BIN)/python scripts/style_images.py
	$(BIN)/python scripts/gallery.py
	$(BIN)/python scripts/screenshots.py

lint: $(INSTALLED)
	$(BIN)/ruff check src tests scripts

# A successful probe is remembered in $(OUT)/.bibcv until what it checked changes.
system-deps:
	@PYTHON=$(PYTHON) BIBCV_STAMP_DIR=$(OUT)/.bibcv bash scripts/system-deps.sh

test-deps:
	@PYTHON=$(PYTHON) BIBCV_STAMP_DIR=$(OUT)/.bibcv bash scripts/system-deps.sh test

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

$(COMPILED): $(INSTALLED) $(SOURCES)
	$(BIN)/python -m compileall -q src/bibcv
	touch $@

clean:
	rm -rf $(OUT)
