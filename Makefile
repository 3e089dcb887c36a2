# Two commands: `make build` (every PDF into output/) and `make test` (all tests).
# Both work on a fresh Debian machine with only python3: they create .venv and install
# what is needed, including the Debian libraries WeasyPrint loads at run time.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Shared libraries WeasyPrint needs (Pango for text, HarfBuzz subsetting for fast font
# embedding: without libharfbuzz-subset0 WeasyPrint falls back to a ~5x slower subsetter).
# libgs-common ships Ghostscript's generic CMYK profile, the default output intent of --print-shop.
# chromium and chromium-driver: the tests open the web pages (output/site/) in a real browser.
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 libjpeg62-turbo libopenjp2-7 fontconfig libgs-common chromium chromium-driver gettext

.PHONY: all build test lint check check-all bench sheets fuzz deps system-deps clean distclean lock

all: build

system-deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing Debian packages:$$missing"; \
	    echo "Install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(STAMP): pyproject.toml requirements.lock
	$(MAKE) --no-print-directory system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	    $(PYTHON) -m venv $(VENV); \
	  else echo "python3 cannot create a virtual environment: install python3-venv"; exit 1; fi; }
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	# Exact versions with their hashes (requirements.lock, refreshed by `make lock`): every machine
	# installs the same WeasyPrint and pydyf, whose internals place.py and pdf.py rely on.
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# Refresh requirements.lock to the newest versions pyproject.toml allows (then run `make test`).
lock:
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check pip-tools
	$(BIN)/pip-compile -q --upgrade --generate-hashes --extra test --strip-extras --allow-unsafe \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml

deps: $(STAMP)

build: $(STAMP)
	$(BIN)/booklet build

check: $(STAMP)
	$(BIN)/booklet check

test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/mypy generator
	$(BIN)/lint-imports --no-cache

# Not part of `make test`: timings on a shared machine are medians of several runs.
bench: $(STAMP) sheets
	$(BIN)/python bench/bench.py --runs 3 --write

# Pages and imposed sheets per copy, for every audience and language: docs/sheets.md.
sheets: $(STAMP)
	$(BIN)/python bench/sheets.py --write

# Property-based fuzzing of the content loader: 10,000 random and mutated files per kind of case.
fuzz: $(STAMP)
	FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q tests/test_fuzz.py -p no:cacheprovider

# Every PDF of the set and its editions (cards included), checked the expensive way: tags,
# every QR code decoded, every phone link over its number. `make test` checks a sample.
check-all: $(STAMP)
	CHECK_ALL=1 $(BIN)/python -m pytest -q tests/test_every_pdf.py -p no:cacheprovider

clean:
	rm -rf output

distclean: clean
	rm -rf $(VENV) *.egg-info
