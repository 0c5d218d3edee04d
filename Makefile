# Harmony Portal — the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
export DJANGO_SETTINGS_MODULE := harmony_portal.settings

.PHONY: run test install install-test chromium gettext wrk messages migrate demo lint bench load clean fuzz soak k8s-check mutate

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[test]'
	touch $@

# Tools that pin dependencies of their own get a virtualenv each, .venv-<tool>: checkov (boto3,
# packaging, … clash with the portal's) and locust (gevent, Flask and brotli; it runs as a
# process of its own, benchmarks/locustfile.py imports nothing of the portal).
TOOL_checkov := checkov>=3.2,<4
TOOL_load := locust>=2.30,<3
CHECKOV_VENV := .venv-checkov
LOAD_VENV := .venv-load
.venv-%/.installed: Makefile
	test -x .venv-$*/bin/python || $(PYTHON) -m venv .venv-$*
	.venv-$*/bin/pip install --quiet --upgrade pip
	.venv-$*/bin/pip install --quiet '$(TOOL_$*)'
	touch $@

# Browser tests use Debian's chromium package; installed here, never by hand.
chromium:
	./scripts/ensure-chromium.sh

# The benchmark's HTTP load (make bench BENCH_ARGS=--http, and its test) uses Debian's wrk.
wrk:
	./scripts/ensure-wrk.sh

# The German catalogue is compiled with GNU gettext's msgfmt (Debian's package), installed here.
gettext:
	./scripts/ensure-gettext.sh

# Compile the German catalogue for the running portal; without msgfmt the portal stays English.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages -l de -i '.venv*' -v 0; \
	else echo "msgfmt is missing (scripts/ensure-gettext.sh): German pages will show English"; fi

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install messages
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

## make run: install, migrate, load demo data, serve on :8000 with a Celery worker and beat.
run: demo
	$(VENV)/bin/honcho start -f Procfile.dev

## make test: install test dependencies, check style, layers, migrations and the Kubernetes
## manifests, run the suite (in TEST_WORKERS processes, pytest-xdist: each process takes the
## tests in pytest-django's order, so tests that flush the database come after the others).
TEST_WORKERS ?= 2
test: install-test chromium gettext wrk k8s-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_translations
	$(PY) -m pytest -n $(TEST_WORKERS) --dist load

## make k8s-check: render every overlay of deploy/k8s (kubectl kustomize, or the Python
## renderer without kubectl), validate it against the Kubernetes schemas and scan it with checkov.
k8s-check: install-test $(CHECKOV_VENV)/.installed
	$(PY) scripts/check_k8s.py --checkov $(CHECKOV_VENV)/bin/checkov

## make bench: load 10,000 initiatives into a separate database and measure pages, API and the
## risk sweep; prints a table and writes bench-results.json. BENCH_ARGS passes options.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/harmony_bench
bench: install wrk
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=False \
	SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz} \
	$(PY) manage.py bench $(BENCH_ARGS)

## make load: a bounded load test on loopback: the portal under gunicorn (DEBUG off) and locust
## headless, LOAD_USERS people for LOAD_TIME seconds mixing reads and writes across roles.
## Fails on any 5xx, and when the audit events differ from the writes that answered success.
## Demo data is loaded into LOAD_DATABASE_URL (created if missing) when it is empty.
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/harmony_load
LOAD_USERS ?= 32
LOAD_TIME ?= 60
load: install $(LOAD_VENV)/.installed
	DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) manage.py load_test --locust $(LOAD_VENV)/bin/locust \
	  --users $(LOAD_USERS) --run-time $(LOAD_TIME) $(LOAD_ARGS)

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
mutate: install-test messages
	@mkdir -p var; for module in $(MUTATE); do \
	  echo "== mutmut: $$module"; \
	  DATABASE_URL=sqlite:// REDIS_URL= REQUIRE_SERVICES= CELERY_BROKER_URL=memory:// HYPOTHESIS_PROFILE=mutate \
	    $(VENV)/bin/mutmut run --max-children $(MUTATE_JOBS) "$$module" > var/mutmut-last.log 2>&1 \
	    || { tr '\r' '\n' < var/mutmut-last.log | tail -40; exit 1; }; \
	  tr '\r' '\n' < var/mutmut-last.log | grep -a -E 'mutations/second|^(🙁|🫥|⏰|🤔)' || true; \
	done
	$(PY) scripts/mutation_score.py

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) $(LOAD_VENV) var db.sqlite3
