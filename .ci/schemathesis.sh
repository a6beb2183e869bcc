#!/usr/bin/env bash
# schemathesis over every API operation, as a manager and as a support worker: no server
# errors, and every response as the OpenAPI document describes it (status, content type,
# body). Serves the demo from a fresh database on 127.0.0.1 and stops it at the end.
# Settings and the seed are in .ci/schemathesis.toml. Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$PWD/.venv/bin/python"
ST="$PWD/.venv/bin/schemathesis"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A fresh SQLite file, or the empty database FUZZ_DATABASE_URL names (.ci/run gives it a new
# PostgreSQL database: the migrate below is then CI's proof of the migrations there).
export DATABASE_URL="${FUZZ_DATABASE_URL:-sqlite:///$work/fuzz.sqlite3}"
export DEBUG=false
export SECRET_KEY="fuzz-$(date +%s)-$$-not-a-production-key-0123456789abcdef"
export ALLOWED_HOSTS=127.0.0.1
export LOG_LEVEL=ERROR
unset BEHIND_TLS_PROXY

echo "-- demo data in a fresh database"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py seed_demo -v0 >/dev/null
manager_token="$("$PY" manage.py create_api_token maria --name schemathesis)"
worker_token="$("$PY" manage.py create_api_token sarah --name schemathesis)"
eval "$("$PY" .ci/schemathesis_ids.py)"

port="${FUZZ_PORT:-$(( 20000 + $$ % 20000 ))}"
"$PY" -m gunicorn coplan.wsgi:application --bind "127.0.0.1:$port" --workers 2 --threads 2 \
  --log-level warning >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null

# The manager reaches every operation: the coverage phase (boundaries, nulls, wrong types)
# and fuzzing. The support worker is refused much of it, so fuzzing alone checks what they
# are refused and what they may do.
status=0
run() {
  local role="$1" token="$2" phases="$3"
  echo "-- schemathesis as the $role ($phases)"
  "$ST" --config-file .ci/schemathesis.toml run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --header "Authorization: Bearer $token" --phases "$phases" --no-color || status=1
}
started=$SECONDS
run manager "$manager_token" examples,coverage,fuzzing
run "support worker" "$worker_token" examples,fuzzing
echo "-- schemathesis took $(( SECONDS - started )) s"
if [ "$status" -ne 0 ]; then
  echo "-- server log (last 80 lines)"
  tail -n 80 "$work/server.log"
fi
exit "$status"
