#!/usr/bin/env bash
# Each TLS choice builds, and the transport selects the backend the features name, even when
# another crate turns on reqwest's default (native) TLS. native-tls needs OpenSSL's headers.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps

apis=trophy,nudj,goals,giftoin
for tls in rustls rustls-native-roots native-tls ""; do
  echo "-- cargo check: questkit with TLS '${tls:-none}'"
  cargo check --locked --quiet -p questkit --no-default-features --features "$apis${tls:+,$tls}"
done

check_backend() {
  echo "-- transport TLS choice with features '$1'"
  cargo test --locked --quiet -p questkit-core --no-default-features --features "$1" --lib \
    transport::tests::tls_backend_follows_the_features
}
check_backend ""                          # none: an https base URL is a Config error
check_backend "rustls"
check_backend "rustls-native-roots"
check_backend "native-tls"
check_backend "rustls,reqwest/default-tls" # rustls stays in force
