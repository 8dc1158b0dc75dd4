#!/usr/bin/env bash
# Schemathesis against the live app: the shipped OpenAPI document (/api/v1/openapi.json) and the
# real server (gunicorn, 2 workers, loopback, a free port) on a seeded database, every check on.
# Exits non-zero on any failure.
#
#   tests/api/run_schemathesis.sh [extra schemathesis options]
#
# Environment: PYTHON (default .venv/bin/python), ST_MAX_EXAMPLES (default 100), ST_SEED (pin the
# random seed), SCHEMATHESIS_DATABASE_URL (default: a fresh SQLite file; an EMPTY PostgreSQL
# database works too).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
WORK=$(mktemp -d)
PID=""
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL=${SCHEMATHESIS_DATABASE_URL:-sqlite:///$WORK/schemathesis.sqlite3}
export SECRET_KEY=schemathesis-run
export API_RATE_LIMIT=1000000/minute      # fuzzing sends thousands of requests
export RATELIMIT_STORAGE_URI=memory://
read -r CLERK_TOKEN RADIO_TOKEN < <("$PY" tests/api/schemathesis_seed.py)

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# --limit-request-line 0: the app answers any query length itself (422 beyond the documented maxLength).
"$PY" -m gunicorn --workers 2 --bind "127.0.0.1:$PORT" --limit-request-line 0 app:app >"$WORK/gunicorn.log" 2>&1 &
PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  if "$PY" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$BASE/healthz" 2>/dev/null; then break; fi
  sleep 0.2
done

SEED_OPT=()
if [ -n "${ST_SEED:-}" ]; then SEED_OPT=(--seed "$ST_SEED"); fi
status=0
echo "== schemathesis: every operation, clerk token"
"$PY" -m schemathesis.cli run "$BASE/api/v1/openapi.json" --url "$BASE/api/v1" \
  -H "Authorization: Bearer $CLERK_TOKEN" --checks all --max-examples "${ST_MAX_EXAMPLES:-100}" \
  "${SEED_OPT[@]}" "$@" || status=$?
echo "== schemathesis: the counts operations, radio token"
"$PY" -m schemathesis.cli run "$BASE/api/v1/openapi.json" --url "$BASE/api/v1" \
  -H "Authorization: Bearer $RADIO_TOKEN" --checks all --max-examples "${ST_MAX_EXAMPLES:-100}" \
  --include-path-regex '^/counts' "${SEED_OPT[@]}" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis found failures (server log follows)" >&2
  tail -n 50 "$WORK/gunicorn.log" >&2
fi
exit "$status"
