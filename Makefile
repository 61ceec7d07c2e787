# bibcv -- the two commands a newcomer needs:
#   make cv    build every CV in cv/ into build/<name>.tex and build/<name>.pdf
#   make test  run the test suite (it compiles real PDFs)
# Both set up what is missing first: a .venv with bibcv installed, and the TeX
# Live pieces and fonts from Debian packages (see scripts/system-deps.sh).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# A CV is a YAML file in cv/. Files whose names start with "_" are base files:
# they hold facts that several CVs share through `extends:`, and are not built.
CVS := $(filter-out cv/_%,$(wildcard cv/*.yaml))

.PHONY: cv test lint system-deps clean

cv: system-deps $(INSTALLED)
	$(BIN)/bibcv build $(CVS) -o build

test: system-deps $(INSTALLED)
	$(BIN)/ruff check src tests
	$(BIN)/pytest

lint: $(INSTALLED)
	$(BIN)/ruff check src tests

system-deps:
	@PYTHON=$(PYTHON) bash scripts/system-deps.sh

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

clean:
	rm -rf build
