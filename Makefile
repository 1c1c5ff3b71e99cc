# The back-spasm assistant. Two commands set everything up:
#   make run    install what is missing, train if the model is out of date, start the assistant
#   make test   everything CI checks
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON := $(VENV)/bin/python
# Rasa's command line with the project's fixes to Rasa applied first (rasa_patches/__main__.py).
RASA := $(PYTHON) -m rasa_patches
export PYTHONPATH := $(CURDIR)
# Rasa and TensorFlow are chatty; keep the console readable for staff.
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
# One inter-op thread: TensorFlow otherwise oversubscribes the two cores and trains far slower.
export TF_INTER_OP_PARALLELISM_THREADS := 1
export TF_INTRA_OP_PARALLELISM_THREADS := 2

# The model is named after a hash of everything that shapes it, so "is there a model for the current data,
# config and domain?" is one file test, and a changed example or rule trains a new one.
# Training data is all of data/, as for a plain `rasa train`. review/ holds staff-labelled misses, outside data/ so
# that no training reads them: `make validate` checks them, and a person moves the ones they agree with into
# data/nlu/ (README, "Turning misses into training data").
MODEL_INPUTS := config.yml domain.yml $(sort $(shell find data components -type f \( -name '*.yml' -o -name '*.py' \) -print 2>/dev/null))
TRAINING_DATA := data
REVIEW_DATA := $(wildcard review)
MODEL_NAME := backspasm-$(shell cat $(MODEL_INPUTS) | sha256sum | cut -c1-16)
MODEL := models/$(MODEL_NAME).tar.gz
INSTALLED := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt requirements-model.txt | sha256sum | cut -c1-16)

.PHONY: help install browser-deps train run run-prod shell validate lint test test-unit test-model test-browser \
	test-channels test-prod channel-try bookings review report content-book benchmark-report purge-conversations \
	console staff-user audit bench check-ins checks eval eval-cv eval-compare eval-fallback eval-writers store-deps clean erase export

help:
	@echo "make run       start the assistant (action server :5055, Rasa REST :5005) and the demo site"
	@echo "               with the chat widget (http://localhost:8080)"
	@echo "make run-prod  the same against PostgreSQL and Redis (started on this machine unless TRACKER_STORE_URL"
	@echo "               names a database server; docs/deployment.md)"
	@echo "make shell     talk to the assistant in the terminal (staff test conversations)"
	@echo "make test      lint, validate data, unit tests, train if needed, NLU and conversation tests"
	@echo "make lint      ruff check, ruff format --check and mypy (settings in pyproject.toml; no model needed)"
	@echo "make train     train a model for the current data, config and domain (skipped if current)"
	@echo "make validate  rasa data validate, failing on any warning"
	@echo "make eval      NLU quality report for the current model into docs/nlu-report.md (not part of make test)"
	@echo "make eval-cv   5-fold cross-validation of the pipeline (slow: five trainings), included by make eval;"
	@echo "               ARGS=\"--epochs 60\" trains at config.yml's epochs (about 40 min)"
	@echo "make eval-compare  train and score the candidate NLU pipelines side by side (slow)"
	@echo "make eval-fallback the fallback classifier's settings side by side on the current model (~5 min)"
	@echo "make eval-writers  the independent writers' sets through the running assistant, with every miss"
	@echo "make bookings  list booking and call-back requests (ARGS=\"export --out new.csv\", handled REF, ...)"
	@echo "make channel-try [CHANNEL=telegram]  chat as WhatsApp/Telegram would, against a local fake platform"
	@echo "make review    staff: conversations with flags (ARGS=\"show ID\", misses, \"add REF --intent X\")"
	@echo "make report    staff: the weekly report, reports/report-<date>.html (ARGS=\"--since 2026-11-01\")"
	@echo "make content-book  every answer with sources and review dates, reports/content-book.html"
	@echo "make console   the staff console in the browser (http://127.0.0.1:5060; make run starts it too)"
	@echo "make staff-user ARGS=\"add 'Sam Patel'\"  a console account (password asked; also password, remove,"
	@echo "               unlock, list)"
	@echo "make check-ins send the follow-up check-ins due now (run hourly; ARGS=\"--now 2026-12-10T10:00\")"
	@echo "make purge-conversations  delete conversations older than CONVERSATION_RETENTION_DAYS (default 90)"
	@echo "make export WHO=\"07400 123456\"  everything held about a person (conversation id, phone or email),"
	@echo "               one JSON file in exports/ (OUT=file to choose), for a subject access request"
	@echo "make erase WHO=...  delete everything held about that person everywhere; prints what went"
	@echo "make audit     check every pinned dependency against published advisories (pip-audit)"
	@echo "make bench     load benchmark beside a stock rasa init bot, as make run and make run-prod (~13 min;"
	@echo "               results/bench.md)"

install: $(INSTALLED)

$(INSTALLED): requirements.txt requirements-dev.txt requirements-model.txt
	scripts/setup.sh
	rm -f $(VENV)/.installed-* && touch $@

train: $(MODEL)

$(MODEL): | $(INSTALLED)
	@echo "Training $(MODEL) (data, config or domain changed, or no model yet)"
	$(RASA) train --data $(TRAINING_DATA) --fixed-model-name $(MODEL_NAME) --out models
	@# Rasa has already written it under that name; older models stay until `make clean`.

run: $(MODEL)
	scripts/run.sh serve $(MODEL)

# Production stores: conversations in PostgreSQL, locks in Redis. Without TRACKER_STORE_URL in the environment,
# both are started on 127.0.0.1 by scripts/services.sh (`scripts/services.sh stop` stops them). One Sanic worker per
# core (`nproc`) unless SANIC_WORKERS says otherwise; each worker loads the model (about 1.4 GiB each).
run-prod: $(MODEL)
	if [ -z "$${TRACKER_STORE_URL:-}" ]; then eval "$$(scripts/services.sh start)"; fi; \
	SANIC_WORKERS=$${SANIC_WORKERS:-$$(nproc)} scripts/run.sh serve $(MODEL)

shell: $(MODEL)
	scripts/run.sh shell $(MODEL)

validate: $(INSTALLED)
	$(RASA) data validate --fail-on-warnings --data $(TRAINING_DATA) $(REVIEW_DATA)

test-unit: $(INSTALLED)
	$(PYTHON) -m pytest tests/unit -q

# Fast and needs no model, so `make test` runs it first. `ruff check --fix .` and `ruff format .` fix most of what
# the first two report; .pre-commit-config.yaml runs the same three on each commit.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Chromium (Debian) and axe-core (npm) for the widget's browser tests; skipped when already there.
browser-deps:
	scripts/install-browser.sh

# Everything that needs the trained model, one pytest run per folder so that only one assistant runs at a time:
# held-out NLU scores, test stories, live conversations and the safety suite over REST; the widget in a real
# browser; the messaging channels against local fakes of Twilio and Telegram.
test-model: $(MODEL)
	BACKSPASM_MODEL=$(MODEL) $(PYTHON) -m pytest tests/model -q

test-browser: $(MODEL) browser-deps
	BACKSPASM_MODEL=$(MODEL) $(PYTHON) -m pytest tests/browser -q

test-channels: $(MODEL)
	BACKSPASM_MODEL=$(MODEL) $(PYTHON) -m pytest tests/channels -q

# Production set-up for real: PostgreSQL and Redis from Debian's packages on loopback, two instances sharing
# them, faults made by stopping, freezing and restarting processes, the API and CORS locked down.
test-prod: $(MODEL)
	BACKSPASM_MODEL=$(MODEL) $(PYTHON) -m pytest tests/prod -q
# NLU quality (issue 8). `eval` parses every evaluation set with the current model in-process and writes
# docs/nlu-report.md, appending the last cross-validation section; the thresholds themselves live in
# tests/model and run in `make test`. `eval-cv` and `eval-compare` train models: minutes of CPU each.
eval: $(MODEL)
	$(PYTHON) -m nlu_eval $(MODEL)

eval-cv: $(INSTALLED)
	$(PYTHON) -m nlu_eval.cross_validation $(ARGS)

eval-compare: $(INSTALLED)
	$(PYTHON) -m nlu_eval.compare

eval-fallback: $(MODEL)
	$(PYTHON) -m nlu_eval.fallback_grid $(MODEL)

# The independent writers' sets (tests/writer_sets/) through the running assistant, misses listed; ARGS="--summary-only
# path/to/sealed.yml" for a set nobody tuning may read (issue 16).
eval-writers: $(MODEL)
	$(PYTHON) -m nlu_eval.writers $(MODEL) $(or $(ARGS),--misses)

# Staff: booking and call-back requests, e.g. `make bookings ARGS="export --out new.csv"` (default: list).
bookings: $(INSTALLED)
	$(PYTHON) scripts/bookings.py $(or $(ARGS),list)

# Staff: talk to the bot as WhatsApp (or CHANNEL=telegram) would, without the platform. Ctrl-D stops.
channel-try: $(MODEL)
	$(PYTHON) scripts/channel_try.py $(or $(CHANNEL),whatsapp) --model $(MODEL)

# Staff insight (scripts/review.py, report.py, content_book.py): read the tracker store in endpoints-env.yml.
review: $(INSTALLED)
	source scripts/endpoints-env.sh && $(PYTHON) scripts/review.py $(or $(ARGS),list)

report: $(INSTALLED)
	source scripts/endpoints-env.sh && $(PYTHON) scripts/report.py $(ARGS)

content-book: $(INSTALLED)
	$(PYTHON) scripts/content_book.py $(ARGS)

# Staff console (console/, issue 23): the same tools in the browser, on loopback (CONSOLE_HOST, CONSOLE_PORT).
console: $(INSTALLED)
	scripts/run.sh console

# Console accounts: ARGS="add 'Sam Patel'" (the password is asked twice, or read from stdin), password, remove,
# unlock NAME, list.
staff-user: $(INSTALLED)
	$(PYTHON) -m console.staff $(or $(ARGS),list)

# The report on 10,000 conversations made from recorded ones (FROM=tracker.db by default). Heavy: not in `make test`.
benchmark-report: $(INSTALLED)
	$(PYTHON) scripts/benchmark_report.py $(ARGS)

# Follow-up check-ins (issue 22, scripts/checkins.py): sends those due, 09:00-20:00 UK time; run it hourly (cron, or
# deploy/kubernetes/checkins-cronjob.yaml). ARGS="--now 2026-12-10T10:00" acts as if it were that time.
check-ins: $(INSTALLED)
	source scripts/endpoints-env.sh && $(PYTHON) scripts/checkins.py $(ARGS)

# The retention job (run it daily, e.g. from cron; README "Keeping conversations"). ARGS="--dry-run" counts only.
purge-conversations: $(INSTALLED)
	source scripts/endpoints-env.sh && $(PYTHON) scripts/purge_conversations.py $(ARGS)

# A person's data (UK GDPR articles 15 and 17; scripts/privacy.py): WHO is a conversation id, a phone number or an
# email address. Both read the stores the servers use (endpoints.yml and its environment, BOOKING_DB, Redis).
export: $(INSTALLED)
	@test -n "$$WHO" || { echo 'make export WHO="conversation id | phone | email" [OUT=file.json]'; exit 2; }
	source scripts/endpoints-env.sh && $(PYTHON) scripts/privacy.py export "$$WHO" $${OUT:+--out "$$OUT"}

erase: $(INSTALLED)
	@test -n "$$WHO" || { echo 'make erase WHO="conversation id | phone | email"'; exit 2; }
	source scripts/endpoints-env.sh && $(PYTHON) scripts/privacy.py erase "$$WHO"

audit:
	scripts/audit.sh

# Not part of `make test`: simulated patients over REST, paced (~10 messages/s) and saturating, against one
# instance and the scaled set-up (2 Sanic workers, PostgreSQL, Redis). Table rows in results/bench.md;
# docs/benchmarks.md holds the measured table. BENCH_SECONDS sets each run's length.
BENCH_SECONDS ?= 60
bench: $(MODEL)
	mkdir -p results
	set -o pipefail; $(PYTHON) scripts/bench.py --model $(MODEL) --seconds $(BENCH_SECONDS) | tee results/bench.md

# PostgreSQL and Redis from Debian (the production tests, and the staff tools' PostgreSQL check in tests/model).
store-deps:
	scripts/services.sh install

# Training keeps the machine busy for about ten minutes but leaves room: lint, data validation, the unit tests and
# installing Chromium, PostgreSQL and Redis run beside it (one job each at a time, output kept per job). Then the
# suites that run the assistant go two at a time, since each keeps about one of the two cores busy (one Rasa
# server): the model suite is the longest, so the channels suite and then the production one run beside it, and
# the browser suite follows whichever ends first.
test: $(INSTALLED)
	$(MAKE) --no-print-directory -j2 --output-sync=target train checks
	$(MAKE) --no-print-directory -j2 test-model test-channels test-prod test-browser

# What `make test` checks before any assistant runs.
checks: lint validate test-unit browser-deps store-deps

clean:
	rm -rf models/*.tar.gz results .pytest_cache
