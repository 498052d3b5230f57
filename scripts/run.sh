#!/usr/bin/env bash
# Runs the app: installs what is missing, builds the release page (unless
# dist/ is already built from the same inputs) and the CLI (cargo skips it
# when fresh), starts a local mosquitto (MQTT and WebSocket on 127.0.0.1)
# and serves the app on http://127.0.0.1:8080. Ctrl-C stops everything it
# started, quietly.
#
#   scripts/run.sh [--port N]      (or PORT=N; MQTT_PORT, WS_PORT for the broker)
source "$(dirname "$0")/lib.sh"

PORT="${PORT:-8080}"
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
done

install_toolchain
build_page
say "building the iotda-kit CLI (cargo skips it when nothing changed)"
cargo build -q --release -p iotda-kit-cli

RUN_DIR="$(mktemp -d /tmp/iotda-kit-run.XXXXXX)"

PIDS=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$RUN_DIR"
  echo "stopped."
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_broker "$RUN_DIR"
PIDS+=("$BROKER_PID")
# Its own session too (see start_broker): only the script hears Ctrl-C.
setsid ./target/release/iotda-kit serve --dir dist --port "$PORT" &
PIDS+=($!)

cat <<INFO

IoTDA Kit is running:
  app          http://127.0.0.1:$PORT/
  local broker mqtt://127.0.0.1:$MQTT_PORT   (MQTT over TCP)
               ws://127.0.0.1:$WS_PORT/mqtt  (MQTT over WebSocket)
  broker log   $RUN_DIR/mosquitto.log
Press Ctrl-C to stop.
INFO
status=0
# Ctrl-C interrupts this wait and the trap above ends the script (cleanup
# stops the services); the services never see it, so a service ending
# here ended by itself.
wait -n "${PIDS[@]}" || status=$?
die "a service stopped unexpectedly (status $status); see above"
