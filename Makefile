# The two commands of the README:
#   make run    install everything, start PostgreSQL, Kafka and the four services, play the demo
#   make test   install everything and run all checks and tests (real Kafka and PostgreSQL)
#   make check  the fast first lane of `make test`: lint, types, contracts and the I/O-free tests
SHELL := /bin/bash
MELDCODE_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/meldcode
UV := $(shell command -v uv 2>/dev/null || echo $(MELDCODE_CACHE_DIR)/uv/bin/uv)
export MELDCODE_CACHE_DIR

.PHONY: setup run test check lint unit clean infra-up infra-down contracts bench bench-record bench-kafka-auth faults failover-drill reconcile

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
	"$(UV)" run python -m meldcode_contracts.compatibility
	"$(UV)" run python -m meldcode_route_matrix --check

# The fast first lane: lint, types, contracts and every test that needs no Kafka, PostgreSQL or browser.
FAST_LANE := not infra and not browser and not faults and not image
check: lint
	"$(UV)" run pytest -q -m "$(FAST_LANE)"

# Everything: the fast lane first (fails fast), then the tests on real Kafka and PostgreSQL, the
# browser tests and the fault suite.
test: check
	"$(UV)" run pytest -m "not ($(FAST_LANE))"

unit: setup
	"$(UV)" run pytest -q -m "$(FAST_LANE)"

contracts: setup
	"$(UV)" run python -m meldcode_contracts.generate

bench: setup
	@bash deploy/local/run.sh --bench

# Append the figures of the last `make bench` to bench/RESULTS.md (date, commit, machine; NOTE="..." optional).
MELDCODE_RUN_DIR ?= $(CURDIR)/.run
bench-record:
	"$(UV)" run python bench/record.py "$(MELDCODE_RUN_DIR)/bench/figures.json" "$(NOTE)"

# What Kafka authentication (SASL/SCRAM + ACLs) costs: the same workload with it off and on (brokers of its own).
bench-kafka-auth: setup
	"$(UV)" run python bench/kafka_auth_cost.py

# Each fault of the fault suite with a few hundred writes, as a table (servers of its own).
faults: setup
	"$(UV)" run python bench/faults.py

# The PostgreSQL failover drill (ADR 28): a primary and a synchronous standby of its own, the primary
# SIGKILLed under load, the standby promoted; prints the time from the kill to the first accepted write.
failover-drill: setup
	"$(UV)" run pytest tests/faults/test_postgres_failover.py -m faults -q -s

# Compare every service's event store, topic and read models of the suite `make run` started.
reconcile: setup
	@bash deploy/local/reconcile.sh

infra-up: setup
	@bash deploy/local/postgres.sh start && bash deploy/local/kafka.sh start

infra-down:
	@bash deploy/local/kafka.sh stop; bash deploy/local/postgres.sh stop

clean: infra-down
	rm -rf .run
