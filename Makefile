.PHONY: run test bench lint

run:  ## serve on the embedded defaults (SQLite, local locker, sandbox WhatsApp)
	scripts/run

test:  ## install test dependencies, lint, type-check, run the suite on SQLite and PostgreSQL
	scripts/test

bench:  ## run the benchmarks in bench/
	scripts/bench

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
