# Loopin backend. `make run` and `make test` are the two commands of the README.
# uv comes from PATH, or is installed once into .tools/ (a private virtualenv, never the system Python).
UV ?= $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_LINK_MODE ?= copy

.PHONY: uv install install-runtime run test lint typecheck check compose-config migrate worker serve bench clean

uv:
	@command -v $(UV) >/dev/null 2>&1 || { \
		echo "installing uv into .tools/"; \
		python3 -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv; }

install-runtime: uv  ## what serving needs: no test or lint tools
	$(UV) sync --frozen --no-dev --inexact

install: uv  ## everything, development tools included
	$(UV) sync --frozen

run: install-runtime  ## embedded default: no database, no Redis, console SMS, new members let in at once
	$(UV) run --no-sync loopin dev --host $(HOST) --port $(PORT)

test: install  ## the whole suite; needs PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL)
	$(UV) run --no-sync pytest

lint: install
	$(UV) run --no-sync ruff check src tests bench
	$(UV) run --no-sync ruff format --check src tests bench

typecheck: install
	$(UV) run --no-sync mypy

check: lint typecheck test

compose-config:
	docker-compose -f compose.yaml config --quiet

migrate: install-runtime
	$(UV) run --no-sync loopin db upgrade

serve: install-runtime
	$(UV) run --no-sync loopin serve

worker: install-runtime
	$(UV) run --no-sync loopin worker

bench: install  ## throughput and latency on real PostgreSQL and Redis (needs wrk)
	UV_BIN=$(UV) bash bench/run.sh

clean:
	rm -rf .venv .tools var .pytest_cache .mypy_cache .ruff_cache
