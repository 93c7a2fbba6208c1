#!/usr/bin/env bash
# SDK compatibility: the official vendor SDKs (pinned in requirements.txt) call the
# questkit-mock binary, as a real peer would. Every scripts/sdk-compat/check_*.py runs with
# QK_MOCK_URL set to the mock's server root (http://127.0.0.1:PORT); each API sits under its
# own prefix there (Trophy: $QK_MOCK_URL/trophy/v1, admin: $QK_MOCK_URL/trophy/admin/v1).
#
# Exits non-zero when the SDKs cannot be installed, the mock does not start, or any check fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/sdk-compat-venv"
log="$target/sdk-compat-mock.log"
python="${PYTHON:-python3}"

fail() {
    echo "sdk-compat: $*" >&2
    exit 1
}

echo "sdk-compat: building questkit-mock"
cargo build --quiet -p questkit-mock --bin questkit-mock || fail "cannot build questkit-mock"
binary="$target/debug/questkit-mock"
[ -x "$binary" ] || fail "no binary at $binary"

# A fresh venv every run: nothing left over from an earlier SDK version can make a check pass.
echo "sdk-compat: installing $(grep -v '^#' "$here/requirements.txt" | xargs) into $venv"
rm -rf "$venv"
"$python" -m venv "$venv" || fail "cannot create a virtual environment with $python"
if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$here/requirements.txt"; then
    fail "cannot install the pinned SDKs (see pip's error above); the check needs them, so it fails"
fi

mock_pid=""
stop_mock() {
    if [ -n "$mock_pid" ] && kill -0 "$mock_pid" 2>/dev/null; then
        kill -INT "$mock_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$mock_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$mock_pid" 2>/dev/null || true
        wait "$mock_pid" 2>/dev/null || true
    fi
    mock_pid=""
}
trap stop_mock EXIT

# Port 0: the mock picks a free loopback port and prints its root URL on the first line.
"$binary" --host 127.0.0.1 --port 0 >"$log" 2>&1 &
mock_pid=$!
url=""
for _ in $(seq 1 100); do
    url="$(sed -n 's/^questkit-mock listening on \(http:\/\/[^ ]*\).*/\1/p' "$log" | head -n 1)"
    [ -n "$url" ] && break
    kill -0 "$mock_pid" 2>/dev/null || { cat "$log" >&2; fail "questkit-mock exited before listening"; }
    sleep 0.1
done
[ -n "$url" ] || { cat "$log" >&2; fail "questkit-mock printed no URL within 10 s"; }
echo "sdk-compat: questkit-mock at $url"
sed -n 's/^\(trophy\|nudj\|goals\|giftoin\) *\(http[^ ]*\).*/sdk-compat:   \1 \2/p' "$log"

shopt -s nullglob
checks=("$here"/check_*.py)
[ "${#checks[@]}" -gt 0 ] || fail "no check_*.py in $here"
failed=()
for check in "${checks[@]}"; do
    name="$(basename "$check")"
    echo
    echo "sdk-compat: == $name"
    if QK_MOCK_URL="$url" "$venv/bin/python" "$check"; then
        echo "sdk-compat: $name passed"
    else
        echo "sdk-compat: $name FAILED"
        failed+=("$name")
    fi
done

stop_mock
echo
if [ "${#failed[@]}" -gt 0 ]; then
    fail "${#failed[@]} of ${#checks[@]} checks failed: ${failed[*]}"
fi
echo "sdk-compat: all ${#checks[@]} checks passed"
