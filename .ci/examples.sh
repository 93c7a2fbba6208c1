#!/usr/bin/env bash
# Runs every example with no API keys in the environment: each must exit 0, and those that
# call an API must use the embedded mock and say so on their first line.
set -euo pipefail
cd "$(dirname "$0")/.."
export QUESTKIT_INGEST_SECONDS=1  # the ingestion benchmark, as a smoke test
unset TROPHY_API_KEY TROPHY_ADMIN_API_KEY NUDJ_API_TOKEN EPIXEL_BASE_URL GIFTOIN_API_KEY || true
shopt -s nullglob
for file in examples/*.rs; do
  name=$(basename "$file" .rs)
  out=$(timeout 120 cargo run --quiet --locked --all-features --example "$name" 2>&1) || {
    echo "example $name failed:"; echo "$out"; exit 1; }
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
