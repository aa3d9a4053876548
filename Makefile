# The usual entry points of this service. Each target is one documented command (see README.md).
.PHONY: help up down logs test demo bench build lint

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

up: ## start the compose stack (PostgreSQL, the service, Prometheus, Grafana) in the background
	docker compose up -d --build

down: ## stop the compose stack (volumes are kept)
	docker compose down

logs: ## follow the service logs of the compose stack
	docker compose logs -f app

test: ## the whole suite, as in the README (a real PostgreSQL: DATABASE_URL, else embedded)
	npm test

demo: ## offline demo: loopback fixture upstreams and the service on an embedded database
	npm run demo

bench: ## ingestion and API benchmarks (docs/BENCHMARKS.md)
	npm run bench

build: ## compile to dist/
	npm run build

lint: ## eslint and the type check
	npm run lint && npm run typecheck
