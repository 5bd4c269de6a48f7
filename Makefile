# The two Quick start commands: `make demo` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

$(BIN)/claims: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/claims

install: $(BIN)/claims

demo: install
	$(BIN)/claims demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install lint
	@# the review page and the docs UI are tested in Debian's chromium (Playwright drives it; no browser
	@# downloads): apt runs only when no chromium is installed, and says so first
	@if command -v chromium >/dev/null 2>&1; then \
		echo "browser tests: using $$(command -v chromium)"; \
	else \
		echo "browser tests: chromium not found; installing Debian's 'chromium' package (apt-get update, apt-get install -y chromium)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	fi
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/extract.py --quick
	$(BIN)/python benchmarks/match.py --quick

clean:
	rm -rf $(VENV) .data .pytest_cache
