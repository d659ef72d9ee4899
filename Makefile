# Every target that runs code first makes sure the virtualenv and the pinned
# compiler are installed, so a fresh clone needs nothing but Python 3.11 and Node.js.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SOLC := contracts/node_modules/.installed
CLIENTS := tests/clients/node_modules/.installed
DEVNET_DIR ?= devnet-data

.PHONY: install browser compose devnet test lint contracts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(INSTALLED): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(SOLC): contracts/package.json contracts/package-lock.json
	cd contracts && npm ci --no-audit --no-fund
	touch $@

$(CLIENTS): tests/clients/package.json tests/clients/package-lock.json
	cd tests/clients && npm ci --no-audit --no-fund
	touch $@

# The audit report's test renders it in Debian's chromium: installed with apt-get (as root on
# a fresh Debian machine) only when chromium is missing and apt-get is available.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

# docker/compose.yaml is checked by Docker Compose in the tests (there is no Docker engine to
# run it): Debian's docker-compose is installed the same way when no compose command exists.
compose:
	@if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1 \
		&& command -v apt-get >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker-compose; \
	fi

install: $(INSTALLED) $(SOLC) $(CLIENTS) browser compose

devnet: install
	$(BIN)/dcl devnet --validators 1 --datadir $(DEVNET_DIR) --consortium genesis/consortium.toml \
		--ws 127.0.0.1:8546 --gateway 127.0.0.1:8547 --rpc-no-auth

test: install
	$(BIN)/python -m pytest -n auto -p no:cacheprovider

lint: install
	$(BIN)/ruff check node client genesis tests benchmarks docker
	$(BIN)/ruff format --check node client genesis tests benchmarks docker
	$(BIN)/mypy

contracts: $(SOLC)
	node contracts/build.mjs

clean:
	rm -rf $(VENV) contracts/node_modules tests/clients/node_modules $(DEVNET_DIR)
