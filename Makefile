.PHONY: run test bench lint

run:  ## serve on the embedded defaults (SQLite, local locker, sandbox WhatsApp)
	scripts/run

test:  ## install test dependencies, lint, type-check, run the suite on SQLite and PostgreSQL
	scripts/test

bench:  ## every issue-14 figure, quick (~8 min); make bench ARGS=--full for 60 s runs and 1M rows
	scripts/bench $(ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy
