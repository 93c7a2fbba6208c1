#!/usr/bin/env bash
# Fuzzes one target for a while, then merges what found new coverage into the committed corpus.
#
#   fuzz/run.sh TARGET SECONDS     e.g. fuzz/run.sh trophy_decoders 1200
#
# The fuzzer works in target/fuzz-work/TARGET (seeded from fuzz/corpus/TARGET), so the
# repository only changes at the end: `-merge=1` adds to fuzz/corpus/TARGET the inputs that
# reach new coverage, and crash inputs land in fuzz/artifacts/TARGET/ (commit both; the
# corpus replays as tests in tests/fuzz_corpus.rs). Needs `cargo install cargo-fuzz`; runs
# on the stable toolchain with `--sanitizer none`.
set -euo pipefail
cd "$(dirname "$0")"
target=$1
seconds=${2:-600}
work=target/fuzz-work/$target
mkdir -p "$work" "corpus/$target" "artifacts/$target"
cp -n corpus/"$target"/* "$work"/ 2>/dev/null || true
nice -n 19 cargo fuzz run --sanitizer none -O "$target" "$work" -- \
  -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
  -timeout=10 -rss_limit_mb=2048
nice -n 19 cargo fuzz run --sanitizer none -O "$target" "corpus/$target" "$work" -- -merge=1
