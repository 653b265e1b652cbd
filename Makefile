# Loopin backend. `make run` and `make test` are the two commands of the README.
UV ?= uv
export UV_LINK_MODE ?= copy

.PHONY: install run test lint typecheck check compose-config migrate worker serve bench clean

install:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen

run: install  ## embedded default: no database, no Redis, console SMS
	$(UV) run loopin dev

test: install  ## the whole suite; needs PostgreSQL and Redis (TEST_DATABASE_URL, TEST_REDIS_URL)
	$(UV) run pytest

lint: install
	$(UV) run ruff check src tests bench
	$(UV) run ruff format --check src tests bench

typecheck: install
	$(UV) run mypy

check: lint typecheck test

compose-config:
	docker-compose -f compose.yaml config --quiet

migrate: install
	$(UV) run loopin db upgrade

serve: install
	$(UV) run loopin serve

worker: install
	$(UV) run loopin worker

bench: install  ## throughput and latency on real PostgreSQL and Redis (needs wrk)
	bash bench/run.sh

clean:
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache
