#!/usr/bin/env bash
# Runs every test: installs what is missing (including Chromium and
# chromedriver), checks the docs, formatting and lints, then runs the native
# tests of core, CLI and app state, the wasm-bindgen tests in headless
# Chromium, and the end-to-end tests of the trunk-built release page.
source "$(dirname "$0")/lib.sh"

install_toolchain
install_browser
export CHROMEDRIVER=/usr/bin/chromedriver

# Every test run's output is also kept here, to print one total at the end.
RESULTS="$(mktemp /tmp/iotda-kit-tests.XXXXXX)"
BROKER_DIR="$(mktemp -d /tmp/iotda-kit-test-broker.XXXXXX)"
BROKER_PID=
cleanup() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  rm -rf "$RESULTS" "$BROKER_DIR"
}
trap cleanup EXIT
run_tests() { cargo test "$@" 2>&1 | tee -a "$RESULTS"; }

say "docs: every path the README and docs/ name exists; the README is short"
python3 scripts/check_docs.py 2>&1 | tee -a "$RESULTS"

say "formatting"
cargo fmt --all --check

say "lints (native and wasm32)"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p iotda-kit-web --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy -p iotda-bench-wasm --target wasm32-unknown-unknown -- -D warnings

say "the core stays pure: builds for wasm32, no browser or OS clock inside"
cargo build -q -p iotda-core --target wasm32-unknown-unknown
if cargo tree -p iotda-core -e normal --prefix none --target all \
  | grep -E '^(wasm-bindgen|web-sys|js-sys|gloo|yew|getrandom|tokio) '; then
  die "crates/core depends on a browser, runtime or OS-randomness crate (above)"
fi
if grep -rnE 'SystemTime|Instant::now|TcpStream|TcpListener|UdpSocket|std::fs|thread_rng|OsRng' crates/core/src; then
  die "crates/core reads a clock, the network, files or randomness (above); callers pass them in"
fi

say "the web app's walls: store/ pure, web/ generic, no page touches localStorage"
scripts/check_walls.sh || die "a wall between the web app's layers is broken (above)"

say "native tests: core, CLI, platform, app state"
python_tools
run_tests --workspace --exclude iotda-kit-e2e

say "browser tests (wasm-bindgen-test in headless Chromium, MQTT against a local mosquitto)"
MQTT_PORT=21883
WS_PORT=29001
start_broker "$BROKER_DIR"
export IOTDA_TEST_WS_URL="ws://127.0.0.1:$WS_PORT/mqtt"
run_tests -p iotda-kit-web --target wasm32-unknown-unknown --tests
kill "$BROKER_PID" && wait "$BROKER_PID" 2>/dev/null || true
BROKER_PID=

build_page
say "release size"
for f in dist/*.wasm dist/*.js; do
  printf '  %-48s %8d bytes raw %8d bytes gzip\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done

say "end-to-end tests of the built page (WebDriver, headless Chromium)"
npm_tools "axe-core@$AXE_CORE_VERSION"
run_tests -p iotda-kit-e2e --tests

say "all tests"
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "total: %d passed, %d failed\n", p, f; exit (f > 0 || p == 0) }' "$RESULTS"
