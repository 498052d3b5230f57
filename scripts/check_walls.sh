#!/usr/bin/env bash
# The walls between the web app's layers, checked by grep (run by
# scripts/test.sh; exits 1 and prints the offending lines if one fails):
# - src/store/ is pure: no browser crate (web_sys, js_sys, gloo,
#   wasm_bindgen) and nothing of the layers above it (web, hooks, pages,
#   components, app), so it builds and is tested natively;
# - src/web/ is generic browser adapters: it imports no module of the app
#   (its messages' keys are its own, in src/web/said.rs);
# - no page touches localStorage: pages read and change the workspace
#   (hooks/use_workspace.rs stores it through web/storage.rs);
# - the top-level modules of src/ import each other without a circle
#   (scripts/import_graph.py prints the graph).
# Comment lines are not code and are skipped.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=0
# wall WHAT PATTERN PATH...: fails when a code line under PATH matches.
wall() {
  local what=$1 pattern=$2 found
  shift 2
  found="$(grep -rnE "$pattern" "$@" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//')"
  if [ -n "$found" ]; then
    printf '%s\n' "$found"
    printf 'error: %s (above)\n' "$what" >&2
    failed=1
  fi
}

app='(app|components|hooks|i18n|messages|pages|sim_worker|state|store|worker)'
wall "src/store uses a browser crate" '\b(web_sys|js_sys|gloo[a-z_]*|wasm_bindgen)\b' src/store
wall "src/store imports a layer above it" 'crate::(web|hooks|pages|components|app)\b' src/store
wall "src/web imports a module of the app" "crate::$app\\b|crate::\\{[^}]*\\b$app\\b" src/web
wall "a page touches localStorage" 'local_storage|localStorage|web::storage|\bstorage::' src/pages
python3 scripts/import_graph.py >/dev/null || failed=1
exit "$failed"
