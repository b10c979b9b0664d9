# The two commands of the README:
#   make run    install everything, start PostgreSQL, Kafka and the four services, play the demo
#   make test   install everything and run all checks and tests (real Kafka and PostgreSQL)
SHELL := /bin/bash
MELDCODE_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/meldcode
UV := $(shell command -v uv 2>/dev/null || echo $(MELDCODE_CACHE_DIR)/uv/bin/uv)
export MELDCODE_CACHE_DIR

.PHONY: setup run test lint unit clean infra-up infra-down contracts bench

setup:
	@bash deploy/local/setup.sh

run: setup
	@bash deploy/local/run.sh

lint: setup
	"$(UV)" run ruff check .
	"$(UV)" run ruff format --check .
	"$(UV)" run mypy
	"$(UV)" run lint-imports
	"$(UV)" run python -m meldcode_contracts.generate --check
	"$(UV)" run python -m meldcode_servicekit.permissions --check

test: lint
	"$(UV)" run pytest

unit: setup
	"$(UV)" run pytest contracts/tests services/signals/tests/unit services/casework/tests/unit services/notifications/tests/unit services/reporting/tests/unit

contracts: setup
	"$(UV)" run python -m meldcode_contracts.generate

bench: setup
	@bash deploy/local/run.sh --bench

infra-up: setup
	@bash deploy/local/postgres.sh start && bash deploy/local/kafka.sh start

infra-down:
	@bash deploy/local/kafka.sh stop; bash deploy/local/postgres.sh stop

clean: infra-down
	rm -rf .run
