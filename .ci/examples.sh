#!/usr/bin/env bash
# Runs every example with no API keys in the environment: each must exit 0, and those that
# call an API must use the embedded mock and say so on their first line.
set -euo pipefail
cd "$(dirname "$0")/.."
unset TROPHY_API_KEY TROPHY_ADMIN_API_KEY NUDJ_API_TOKEN EPIXEL_BASE_URL GIFTOIN_API_KEY || true
shopt -s nullglob
# The ingestion service runs until SIGTERM: send it one, as an orchestrator would, and check
# that it drained its queue and exited 0.
run_service() {
  cargo build --quiet --locked --all-features --example "$1"
  local log; log=$(mktemp)
  "target/debug/examples/$1" >"$log" 2>&1 &
  local pid=$!
  sleep 4
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  cat "$log"; rm -f "$log"
  return "$status"
}

for file in examples/*.rs; do
  name=$(basename "$file" .rs)
  if [ "$name" = trophy_ingest_service ]; then
    out=$(run_service "$name") || { echo "example $name failed:"; echo "$out"; exit 1; }
    case "$out" in *"lost 0,"*) ;; *) echo "example $name lost events:"; echo "$out"; exit 1;; esac
  else
    out=$(timeout 120 cargo run --quiet --locked --all-features --example "$name" 2>&1) || {
      echo "example $name failed:"; echo "$out"; exit 1; }
  fi
  first=$(printf '%s\n' "$out" | head -n 1)
  # Examples that talk to an API must say on their first line that they use the mock.
  if grep -q 'questkit_mock' "$file"; then
    case "$first" in
      *mock*|*Mock*) ;;
      *) echo "example $name: first line does not say it uses the mock: $first"; exit 1;;
    esac
  fi
  echo "example $name: ok ($first)"
done
