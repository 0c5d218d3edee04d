# Harmony Portal — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
export DJANGO_SETTINGS_MODULE := harmony_portal.settings

.PHONY: run test install install-test chromium migrate demo lint bench clean fuzz soak k8s-check mutate

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[test]'
	touch $@

# checkov pins its own dependencies (boto3, packaging, …), which clash with the portal's: it
# gets a virtualenv of its own.
CHECKOV_VENV := .venv-checkov
$(CHECKOV_VENV)/.installed: Makefile
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/pip install --quiet 'checkov>=3.2,<4'
	touch $@

# Browser tests use Debian's chromium package; installed here, never by hand.
chromium:
	./scripts/ensure-chromium.sh

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## make run: install, migrate, load demo data, serve on :8000 with a Celery worker and beat.
run: demo
	$(VENV)/bin/honcho start -f Procfile.dev

## make test: install test dependencies, check style, layers, migrations and the Kubernetes
## manifests, run the suite.
test: install-test chromium k8s-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

## make k8s-check: render every overlay of deploy/k8s (kubectl kustomize, or the Python
## renderer without kubectl), validate it against the Kubernetes schemas and scan it with checkov.
k8s-check: install-test $(CHECKOV_VENV)/.installed
	$(PY) scripts/check_k8s.py --checkov $(CHECKOV_VENV)/bin/checkov

## make bench: load 10,000 initiatives into a separate database and measure pages, API and the
## risk sweep; prints a table and writes bench-results.json. BENCH_ARGS passes options.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/harmony_bench
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=False $(PY) manage.py bench $(BENCH_ARGS)

## make soak: two gunicorn processes, two Celery workers and two schedulers on PostgreSQL and a
## private redis-server under 60 s of mixed load, killing a worker and the acting scheduler;
## checks reminders exactly once, writes audited once, no 5xx (benchmarks/soak/__main__.py).
## It uses the database <name>_soak beside SOAK_DATABASE_URL's; SOAK_ARGS passes options.
SOAK_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/harmony)
soak: install
	DATABASE_URL=$(SOAK_DATABASE_URL) $(PY) -m benchmarks.soak $(SOAK_ARGS)

## make fuzz: the schemathesis run of every API operation, with many examples per operation.
fuzz: install-test
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(PY) -m pytest -q tests/api/test_schemathesis.py

## make mutate: mutation testing of the rule modules with mutmut (kept out of `make test`: it
## takes tens of minutes), one module after the other, then the score per module (at least 90%
## killed each). MUTATE=<glob> runs one module, e.g. MUTATE='governance.risk.rules.*';
## MUTATE_JOBS sets the parallel mutants (default 2). Runs on SQLite: see README "Tests and CI".
MUTATE_JOBS ?= 2
MUTATE ?= \
	initiatives.permissions.* \
	governance.risk.rules.* \
	governance.dashboard.selectors.figures.* \
	governance.dashboard.selectors.drilldowns.* \
	governance.dashboard.selectors.portfolio.x_readiness_band__mutmut_* \
	reviews.services.design_inputs.* \
	reviews.services.readiness.* \
	reviews.selectors.x_blocking_design_inputs__mutmut_* \
	reviews.selectors.x_vendor_comparison__mutmut_* \
	audit.chain.* \
	governance.sessions.reminders.*
mutate: install-test
	@mkdir -p var; for module in $(MUTATE); do \
	  echo "== mutmut: $$module"; \
	  DATABASE_URL=sqlite:// REDIS_URL= CELERY_BROKER_URL=memory:// HYPOTHESIS_PROFILE=mutate \
	    $(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) "$$module" > var/mutmut-last.log 2>&1 \
	    || { tr '\r' '\n' < var/mutmut-last.log | tail -40; exit 1; }; \
	  tr '\r' '\n' < var/mutmut-last.log | grep -a -E 'mutations/second|^(🙁|🫥|⏰|🤔)' || true; \
	done
	$(PY) scripts/mutation_score.py

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) var db.sqlite3
