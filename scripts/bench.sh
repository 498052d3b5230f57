#!/usr/bin/env bash
# Measures and prints tables; asserts nothing (it fails only if it cannot
# measure). Installs what is missing and builds the release page first.
# Ends with one table of every figure (target/bench/bench.md and
# bench.json), each beside its peer where there is one.
#
#   scripts/bench.sh
source "$(dirname "$0")/lib.sh"

install_toolchain
install_browser
build_page
build_codec_bench
npm_tools "mqtt@$MQTT_JS_VERSION" "node-forge@$FORGE_VERSION"
rm -rf target/bench/parts

say "the page: first-load weight and cold start, beside mqtt.min.js + forge.min.js"
cargo bench -q -p iotda-kit-e2e --bench page_browser

say "certificates, native: ours (in process and as iotda-kit commands) against openssl's commands as processes"
cargo build -q --release -p iotda-kit-cli
cargo bench -q -p iotda-kit-e2e --bench pki_native

say "certificates, headless Chromium: the page's certificate worker against node-forge and WebCrypto"
cargo bench -q -p iotda-kit-e2e --bench pki_browser

say "MQTT codec: native, as wasm in headless Chromium, and npm mqtt-packet in the same page"
cargo bench -q -p iotda-kit-e2e --bench codec_browser

say "the Console: inbound messages a second from a local mosquitto, headless Chromium"
cargo bench -q -p iotda-kit-e2e --bench console_browser

say "the local IoTDA: connections, a QoS 1 stream and idle memory through device access, beside the mosquitto behind it"
# 10,000 idle devices: two descriptors each in the platform, one in the
# bench's clients and one in mosquitto. Raise the limit as far as allowed;
# the bench says how many it held if it stays too low.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo bench -q -p iotda-kit-e2e --bench platform_access

say "the table"
cargo bench -q -p iotda-kit-e2e --bench report
