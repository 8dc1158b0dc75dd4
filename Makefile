# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-e2e bench db-upgrade clean-venv

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PY)) trên máy: hãy cài Python 3.11."; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

db-upgrade: $(VENV)/.runtime-installed
	$(FLASK) db upgrade

# gunicorn (subsidy/gunicorn_conf.py: threads; more processes only with the rate limits on Redis).
run: db-upgrade
	$(FLASK) ensure-admin
	$(FLASK) load-rulesets
	@# A server already answering on the port: say so in Vietnamese before printing an address that is not ours.
	@$(BIN)/python -c "import socket, sys; s = socket.socket(); s.settimeout(1); busy = s.connect_ex(('$(HOST)', $(PORT))) == 0; sys.exit('Cổng $(PORT) trên $(HOST) đang có chương trình khác dùng (có thể phần mềm đã chạy rồi: hãy mở http://$(HOST):$(PORT)). Muốn chạy thêm một bản, hãy chọn cổng khác: make run PORT=5001' if busy else 0)"
	@echo "Phần mềm chạy tại http://$(HOST):$(PORT) (gunicorn; Ctrl+C để dừng)"
	@# The job worker (bulk checks …: subsidy/jobs, Huey) runs beside the web server and stops with it.
	@# Both run in the background and the shell waits: a TERM or INT to it (Ctrl+C, a service manager,
	@# a script stopping make) stops both at once; with gunicorn in the foreground it would outlive make.
	$(BIN)/huey_consumer jobs_worker.huey --workers 1 --quiet & worker=$$!; \
	  HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c python:subsidy.gunicorn_conf app:app & web=$$!; \
	  trap 'kill $$web $$worker 2>/dev/null' EXIT INT TERM; \
	  wait $$web

# One pytest-xdist worker per core, at most TEST_WORKERS (each worker has its own test database;
# see tests/conftest.py). TEST_WORKERS=0 runs in one process. Only the plugins the suite uses are
# loaded: autoloading also loads (and assertion-rewrites, in every worker) the pytest plugins that
# come with schemathesis and hypothesis, a few seconds per process for nothing.
TEST_WORKERS ?= 4
test: $(VENV)/.dev-installed
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest -q tests --ignore=tests/e2e \
	  $(if $(filter 0,$(TEST_WORKERS)),,-p xdist.plugin -n auto --maxprocesses $(TEST_WORKERS) --dist worksteal)

test-e2e: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -q tests/e2e

bench: $(VENV)/.dev-installed
	for f in bench/[!_]*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
