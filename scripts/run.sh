#!/usr/bin/env bash
# Runs the app on the local IoTDA: installs what is missing, builds the
# release page (unless dist/ is already built from the same inputs) and the
# CLI (cargo skips it when fresh), then runs `iotda-kit platform`, which
# serves the app and the management API on http://127.0.0.1:8080, takes
# devices on MQTT, MQTTS, WS and WSS (WS on 9001, where the Console's
# "Local broker" points) and supervises its own mosquitto. It prints every
# address, the AK/SK and where the platform CA is. Ctrl-C stops everything,
# quietly.
#
#   scripts/run.sh [--port N] [--data DIR]   (or PORT=N, DATA=DIR; the
#   registry is kept in DIR, by default ~/.local/share/iotda-kit/platform)
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-8080}"
DATA="${DATA:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    --data) DATA="${2:?--data needs a folder}"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
done

install_toolchain
build_page
say "building the iotda-kit CLI (cargo skips it when nothing changed)"
cargo build -q --release -p iotda-kit-cli

args=(platform --app dist --api-port "$PORT" --ws-port 9001)
[ -n "$DATA" ] && args+=(--data "$DATA")
cat <<INFO

IoTDA Kit runs on the local IoTDA (addresses below; the app is at the
http:// address). Register a device with, for example:
  ./target/release/iotda-kit platform product add --name Meter --product-id meter
  ./target/release/iotda-kit platform device add --product-id meter --node-id n1 --secret 12345678
Press Ctrl-C to stop.

INFO
# exec: Ctrl-C reaches the platform itself, which stops its broker and its
# listeners and exits 0.
exec ./target/release/iotda-kit "${args[@]}"
