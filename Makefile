# The two commands of the README: `make demo` and `make test`. Everything else is set-up they call.
VENV ?= .venv
PYTHON ?= python3.11
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast install system lint bench clean

demo: install
	$(BIN)/minsheng demo

test: install system
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not slow"

install: $(STAMP)

$(STAMP): pyproject.toml package.json
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11 / Python 3.11 is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@if command -v npm >/dev/null 2>&1; then \
		npm install --silent --no-audit --no-fund --no-package-lock --prefix . >/dev/null; \
	else echo "npm missing: web assets (htmx, ECharts) not installed"; fi
	touch $(STAMP)

system:
	bash scripts/install-system-packages.sh

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf var .pytest_cache
