# Two commands: `make build` (every PDF into output/) and `make test` (all the tests).
# Both work on a fresh Debian machine with only python3: they create .venv and install what is
# needed, including the Debian libraries WeasyPrint loads at run time. `make build` installs what
# building needs (requirements.lock); `make test` adds the test tools (requirements-test.lock, the
# same versions plus pytest, page-validation, selenium, ...) and Chromium for the browser tests.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip -q --disable-pip-version-check
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP  := $(VENV)/.installed-test

# Shared libraries WeasyPrint needs (Pango for text, HarfBuzz subsetting for fast font
# embedding: without libharfbuzz-subset0 WeasyPrint falls back to a ~5x slower subsetter).
# libgs-common ships Ghostscript's generic CMYK profile, the default output intent of --print-shop.
BUILD_DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libffi8 libjpeg62-turbo libopenjp2-7 fontconfig libgs-common
# The tests also open the web pages (output/site/) in a real browser, and check exported
# translations with GNU gettext's msgfmt (without it, `booklet translations` falls back to babel).
TEST_DEB_PACKAGES := chromium chromium-driver gettext

.PHONY: all build test lint check check-all bench sheets fuzz deps test-deps system-deps check-locks clean distclean lock

all: build

# Debian packages by name, through apt-get when run as root; otherwise the command to run.
# `make system-deps PACKAGES="..."` installs those; the default is what building needs.
PACKAGES ?= $(BUILD_DEB_PACKAGES)
system-deps:
	@missing=""; for p in $(PACKAGES); do \
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

# Every lock installs on any machine: name==version with hashes, no file, path or URL (the check
# needs only python3, so it runs before anything is installed).
check-locks:
	@$(PYTHON) tools/check_locks.py

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	    $(PYTHON) -m venv $(VENV); \
	  else echo "python3 cannot create a virtual environment: install python3-venv"; exit 1; fi; }
	$(PIP) install --upgrade pip

# What building needs, at the exact versions and hashes of requirements.lock: every machine
# installs the same WeasyPrint and pydyf, whose internals place.py and pdf.py rely on.
$(BUILD_STAMP): pyproject.toml requirements.lock | $(BIN)/python
	@$(PYTHON) tools/check_locks.py requirements.lock
	$(MAKE) --no-print-directory system-deps PACKAGES="$(BUILD_DEB_PACKAGES)"
	$(PIP) install --require-hashes -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $@

# ... and the test tools, at the exact versions and hashes of requirements-test.lock.
$(TEST_STAMP): $(BUILD_STAMP) requirements-test.lock
	@$(PYTHON) tools/check_locks.py requirements.lock requirements-test.lock
	$(MAKE) --no-print-directory system-deps PACKAGES="$(TEST_DEB_PACKAGES)"
	$(PIP) install --require-hashes -r requirements-test.lock
	touch $@

deps: $(BUILD_STAMP)

test-deps: $(TEST_STAMP)

build: $(BUILD_STAMP)
	$(BIN)/booklet build

check: $(BUILD_STAMP)
	$(BIN)/booklet check

test: $(TEST_STAMP) check-locks lint
	$(BIN)/python -m pytest -q -n auto --dist worksteal

lint: $(TEST_STAMP)
	$(BIN)/ruff check generator tests tools bench
	$(BIN)/mypy generator tools
	$(BIN)/lint-imports --no-cache
	$(BIN)/zizmor --offline --quiet .github/workflows/

# Both locks from pyproject.toml, with pip-tools in a venv of its own (.venv-lock), against the
# package index alone (this machine's pip configuration and find-links folders are ignored).
# Versions already locked are kept, so a new dependency adds only itself: `make lock UPGRADE=1`
# takes the newest versions pyproject.toml allows (then run `make test`). The runtime lock comes
# first; the test lock is constrained to it, so the tests check the versions a build uses. Both
# are checked before they replace the old ones: a lock that names a file is never written.
LOCK_VENV := $(VENV)-lock
LOCK_TMP  := $(LOCK_VENV)/new
PIP_COMPILE := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL PIP_CONFIG_FILE=/dev/null \
  CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe \
  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(if $(UPGRADE),--upgrade)
lock:
	@test -x $(LOCK_VENV)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_VENV) && \
	  $(LOCK_VENV)/bin/python -m pip -q --disable-pip-version-check install --isolated "pip-tools==7.7.0"; }
	rm -rf $(LOCK_TMP) && mkdir -p $(LOCK_TMP)
	cp requirements.lock $(LOCK_TMP)/requirements.lock
	cp requirements-test.lock $(LOCK_TMP)/requirements-test.lock
	$(PIP_COMPILE) --output-file $(LOCK_TMP)/requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra test --constraint $(LOCK_TMP)/requirements.lock --output-file $(LOCK_TMP)/requirements-test.lock pyproject.toml
	sed -i 's#$(LOCK_TMP)/##g' $(LOCK_TMP)/requirements.lock $(LOCK_TMP)/requirements-test.lock
	$(PYTHON) tools/check_locks.py $(LOCK_TMP)/requirements.lock $(LOCK_TMP)/requirements-test.lock
	mv $(LOCK_TMP)/requirements.lock $(LOCK_TMP)/requirements-test.lock .
	@echo "Locks written: requirements.lock (build), requirements-test.lock (tests). Now: make test"

# Not part of `make test`: timings on a shared machine are medians of several runs.
bench: $(TEST_STAMP) sheets
	$(BIN)/python bench/bench.py --runs 3 --write

# Pages and imposed sheets per copy, for every audience and language: docs/sheets.md.
sheets: $(TEST_STAMP)
	$(BIN)/python bench/sheets.py --write

# Property-based fuzzing of the content loader: 10,000 random and mutated files per kind of case.
fuzz: $(TEST_STAMP)
	FUZZ_EXAMPLES=10000 $(BIN)/python -m pytest -q tests/test_fuzz.py -p no:cacheprovider

# Every PDF of the set and its editions (cards included), checked the expensive way: tags,
# every QR code decoded, every phone link over its number. `make test` checks a sample.
check-all: $(TEST_STAMP)
	CHECK_ALL=1 $(BIN)/python -m pytest -q tests/test_every_pdf.py -p no:cacheprovider

clean:
	rm -rf output

distclean: clean
	rm -rf $(VENV) $(LOCK_VENV) *.egg-info
