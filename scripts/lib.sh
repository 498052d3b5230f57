# Shared by scripts/run.sh and scripts/test.sh: environment and idempotent
# installation of everything the app and its tests need. Source it; it
# changes into the repository root.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
# The codec benchmark's comparison library, the Buffer it needs in a
# browser, and the bundler that puts them in the bench page.
MQTT_PACKET_VERSION=9.0.2
BUFFER_VERSION=6.0.3
ESBUILD_VERSION=0.28.2
# The page bench's peers: what a JavaScript equivalent ships before any UI
# (mqtt.min.js, forge.min.js); node-forge is also the certificate
# benchmark's peer in the browser (RSA only: it has no ECDSA).
MQTT_JS_VERSION=5.16.0
FORGE_VERSION=1.4.3
# The accessibility checker the browser tests run on every page.
AXE_CORE_VERSION=4.14.1
# Huawei's Python SDK for IoTDA (huaweicloudsdkiotda and its core, same
# version): the local platform's API tests run a client written against it.
HUAWEICLOUD_SDK_VERSION=3.1.219
# The third-party MQTT client the local platform's tests drive over
# WebSocket and through a broker restart (Eclipse Paho for Python).
PAHO_MQTT_VERSION=2.1.0

export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install CMD:PACKAGE ... installs each package whose command is missing.
apt_install() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# version_of CMD prints CMD's --version output, or nothing if CMD is missing.
version_of() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | head -n1 || true; }

install_toolchain() {
  # The wasm-bindgen pinned in Cargo.toml must equal the CLI installed here.
  grep -q "wasm-bindgen = \"=$WASM_BINDGEN_VERSION\"" Cargo.toml \
    || die "Cargo.toml must pin wasm-bindgen =$WASM_BINDGEN_VERSION (same as scripts/lib.sh)"
  # brotli: scripts/post_build.py writes a .br beside each compressible file.
  apt_install mosquitto:mosquitto mosquitto_pub:mosquitto-clients openssl:openssl unzip:unzip python3:python3 \
    node:nodejs npm:npm brotli:brotli gzip:gzip
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if [ "$(version_of trunk)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (about 13 minutes, once)"
    cargo install trunk --version "=$TRUNK_VERSION" --locked
  fi
  if [ "$(version_of wasm-bindgen)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    # Not --locked: its lock file names versions the registry no longer has.
    cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
  fi
  if ! version_of wasm-opt | grep -q "version $BINARYEN_VERSION"; then
    say "installing binaryen $BINARYEN_VERSION from npm (Debian's is too old)"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
  fi
}

install_browser() {
  apt_install chromium:chromium chromedriver:chromium-driver
  # A CJK font, so that the Chinese pages' screenshots show characters.
  if [ ! -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    say "installing a CJK font (fonts-wqy-microhei)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends fonts-wqy-microhei
  fi
}

# npm_tools NAME@VERSION ... installs into .tools each package that is not
# there at exactly that version.
npm_tools() {
  local missing=() spec have
  for spec in "$@"; do
    have="$(node -p "require('./.tools/node_modules/${spec%@*}/package.json').version" 2>/dev/null || true)"
    [ "$have" = "${spec##*@}" ] || missing+=("$spec")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing from npm into .tools: ${missing[*]}"
    mkdir -p .tools
    npm install --prefix .tools --no-audit --no-fund --silent --save-exact "${missing[@]}"
  fi
}

# python_tools makes the Python venv .tools/venv (once) and installs the
# platform and bridge tests' third-party clients into it at exactly their versions:
# Eclipse Paho (MQTT) and Huawei's IoTDA SDK (the v5 API). The tests find
# it at .tools/venv/bin/python.
python_tools() {
  if [ ! -x .tools/venv/bin/python ]; then
    say "making the Python venv .tools/venv"
    mkdir -p .tools
    # Debian's python3 makes venvs only with python3-venv installed.
    if ! python3 -m venv .tools/venv 2>/dev/null; then
      rm -rf .tools/venv
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
      python3 -m venv .tools/venv
    fi
  fi
  local spec name want have
  for spec in "paho-mqtt==$PAHO_MQTT_VERSION" "huaweicloudsdkcore==$HUAWEICLOUD_SDK_VERSION" \
    "huaweicloudsdkiotda==$HUAWEICLOUD_SDK_VERSION"; do
    name="${spec%%==*}" want="${spec##*==}"
    have="$(.tools/venv/bin/python -c "import importlib.metadata as m; print(m.version('$name'))" 2>/dev/null || true)"
    if [ "$have" != "$want" ]; then
      say "installing $spec into .tools/venv"
      .tools/venv/bin/pip install --quiet --disable-pip-version-check "$spec"
    fi
  done
}

# The MQTT codec benchmark's page in target/bench-page: the workloads as
# wasm (built, bound and optimised as trunk does the app's: release profile,
# wasm-opt -Oz), mqtt-packet bundled for the browser, and the page itself.
BENCH_PAGE="$ROOT/target/bench-page"
build_codec_bench() {
  npm_tools "mqtt-packet@$MQTT_PACKET_VERSION" "buffer@$BUFFER_VERSION" "esbuild@$ESBUILD_VERSION"
  say "building the codec bench page ($BENCH_PAGE)"
  cargo build -q --release --target wasm32-unknown-unknown -p iotda-bench-wasm
  mkdir -p "$BENCH_PAGE"
  wasm-bindgen --target web --no-typescript --out-dir "$BENCH_PAGE" \
    "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/iotda_bench_wasm.wasm"
  wasm-opt -Oz --output="$BENCH_PAGE/opt.wasm" "$BENCH_PAGE/iotda_bench_wasm_bg.wasm"
  mv "$BENCH_PAGE/opt.wasm" "$BENCH_PAGE/iotda_bench_wasm_bg.wasm"
  NODE_PATH="$ROOT/.tools/node_modules" esbuild crates/bench-wasm/page/mqtt-packet.entry.js \
    --bundle --format=esm --platform=browser --minify --log-level=warning \
    --outfile="$BENCH_PAGE/mqtt-packet.js"
  cp crates/bench-wasm/page/index.html crates/bench-wasm/page/bench.js "$BENCH_PAGE/"
}

# Everything the release page is built from: its sources and the core's,
# the manifests and lock file, trunk's config and hook, and the tools'
# versions. A change to any of them means a new build.
PAGE_INPUTS=(src crates/core/src crates/core/Cargo.toml static index.html Cargo.toml Cargo.lock
  Trunk.toml .cargo scripts/post_build.py)
page_inputs_hash() {
  {
    find "${PAGE_INPUTS[@]}" -type f -print0 | sort -z | xargs -0 sha256sum
    version_of trunk; version_of wasm-bindgen; version_of wasm-opt; rustc --version
  } | sha256sum | cut -d' ' -f1
}

# build_page builds the release page into dist/, unless dist/ was built from
# exactly these inputs (their hash is kept in dist/.build-inputs, a dotfile
# that serve never sends and trunk's next build removes).
build_page() {
  local inputs
  inputs="$(page_inputs_hash)"
  if [ -f dist/index.html ] && [ "$(cat dist/.build-inputs 2>/dev/null)" = "$inputs" ]; then
    say "the release page in dist/ is up to date (no input changed since it was built)"
    return
  fi
  say "building the release page (trunk)"
  trunk build index.html --release
  echo "$inputs" > dist/.build-inputs
}

# free_port N prints the first port from N up that nothing listens on.
free_port() {
  local port=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# start_broker DIR starts a local mosquitto (anonymous, no persistence) with
# an MQTT and a WebSocket listener on 127.0.0.1, its config and log in DIR.
# Ports: MQTT_PORT and WS_PORT if set and free, else the next free ones.
# Sets MQTT_PORT, WS_PORT and BROKER_PID; the caller stops it by PID.
start_broker() {
  local dir=$1
  MQTT_PORT="$(free_port "${MQTT_PORT:-1883}")"
  WS_PORT="$(free_port "${WS_PORT:-9001}")"
  if [ "$WS_PORT" = "$MQTT_PORT" ]; then WS_PORT="$(free_port $((MQTT_PORT + 1)))"; fi
  chmod 755 "$dir"
  cat > "$dir/mosquitto.conf" <<CONF
# Local broker started by scripts/lib.sh: loopback only.
per_listener_settings false
allow_anonymous true
persistence false
log_dest stdout
listener $MQTT_PORT 127.0.0.1
listener $WS_PORT 127.0.0.1
protocol websockets
socket_domain ipv4
CONF
  chmod 644 "$dir/mosquitto.conf"
  # A session of its own: a Ctrl-C at the terminal reaches the script, which
  # stops it by PID, and never ends it behind the script's back.
  setsid mosquitto -c "$dir/mosquitto.conf" > "$dir/mosquitto.log" 2>&1 &
  BROKER_PID=$!
  local tries=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$WS_PORT") 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$BROKER_PID" 2>/dev/null; then
      cat "$dir/mosquitto.log" >&2
      die "mosquitto did not start (log above)"
    fi
    sleep 0.1
  done
}
