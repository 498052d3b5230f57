#!/usr/bin/env bash
# Measures and prints tables; asserts nothing (it fails only if it cannot
# measure). Installs what is missing and builds the release page first.
#
#   scripts/bench.sh
source "$(dirname "$0")/lib.sh"

install_toolchain
install_browser
build_page
build_codec_bench

say "certificates, native: ours (in process and as iotda-kit commands) against openssl's commands as processes"
cargo build -q --release -p iotda-kit-cli
cargo bench -q -p iotda-kit-e2e --bench pki_native

say "certificates, headless Chromium: the page's certificate worker against node-forge and WebCrypto"
npm_tools "node-forge@$FORGE_VERSION"
cargo bench -q -p iotda-kit-e2e --bench pki_browser

say "MQTT codec: native, as wasm in headless Chromium, and npm mqtt-packet in the same page"
cargo bench -q -p iotda-kit-e2e --bench codec_browser

say "the Console: inbound messages a second from a local mosquitto, headless Chromium"
cargo bench -q -p iotda-kit-e2e --bench console_browser
