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
	$(BIN)/mypy

test: install lint
	@# the review page is tested in Debian's chromium (Playwright drives it; no browser downloads)
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/extract.py --quick
	$(BIN)/python benchmarks/match.py --quick

clean:
	rm -rf $(VENV) .data .pytest_cache
