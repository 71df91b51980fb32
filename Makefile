# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# apt-get needs root; use sudo when we are not root and it exists.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

.PHONY: run test install install-dev system-packages demo bench lint clean

run: install ## create the venv, load the demo into an empty store, start the dashboard
	@$(MAKE) --no-print-directory system-packages || echo "note: chromium and CJK fonts could not be installed; PDF reports need them"
	$(PY) -m analytics init
	$(PY) -m analytics demo --if-empty
	@echo ""
	@echo "  Service Improvement Dashboard: http://localhost:$(PORT)"
	@echo ""
	$(PY) -m streamlit run dashboard.py --server.port $(PORT)

test: install-dev system-packages ## install test tools and a headless browser, run the whole suite
	$(PY) -m pytest -n auto

bench: install-dev system-packages ## benchmarks: figures and ratios (not a test)
	$(PY) -m bench

lint: install-dev
	$(VENV)/bin/ruff check .

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

# Debian packages the tests need: chromium for the end-to-end tests (Playwright cannot
# download its own browser offline), a CJK font so Chinese renders, poppler for PDF checks.
system-packages:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
	    || ! command -v pdftoppm >/dev/null 2>&1; then \
	  echo "installing chromium, fonts-noto-cjk and poppler-utils from Debian packages"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q \
	    chromium fonts-noto-cjk poppler-utils >/dev/null; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache
