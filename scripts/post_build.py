"""Trunk post-build hook (see Trunk.toml): seals the built page.

1. Content-Security-Policy: replaces 'sha256-LOADER' in index.html with the
   SHA-256 of each inline script trunk wrote (its wasm loader), so the
   policy allows exactly those and no other inline script.
2. Offline: fills sw.js with the list of every file of the build and a
   version that is a hash of all of them, so the service worker caches the
   whole app and a new build is a new service worker.

Fails the build when a placeholder or the loader is missing.
"""

import base64
import hashlib
import json
import os
import re
import sys

staging = os.environ["TRUNK_STAGING_DIR"]


def fail(why):
    sys.exit(f"post_build.py: {why}")


index = os.path.join(staging, "index.html")
with open(index, encoding="utf-8") as f:
    html = f.read()
scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
if not scripts or "'sha256-LOADER'" not in html:
    fail(f"{index} has no inline loader or no 'sha256-LOADER' placeholder")
hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
    for s in scripts
)
with open(index, "w", encoding="utf-8") as f:
    f.write(html.replace("'sha256-LOADER'", hashes))

sw = os.path.join(staging, "sw.js")
with open(sw, encoding="utf-8") as f:
    worker = f.read()
if '"__VERSION__"' not in worker or "__ASSETS__" not in worker:
    fail(f"{sw} has no version or asset list placeholder")
files = sorted(
    os.path.relpath(os.path.join(d, name), staging).replace(os.sep, "/")
    for d, _, names in os.walk(staging)
    for name in names
    if os.path.join(d, name) != sw
)
version = hashlib.sha256()
for name in files:
    version.update(name.encode("utf-8"))
    with open(os.path.join(staging, name), "rb") as f:
        version.update(f.read())
assets = json.dumps(["/" + name for name in files])
with open(sw, "w", encoding="utf-8") as f:
    f.write(
        worker.replace('"__VERSION__"', json.dumps(version.hexdigest()[:16])).replace(
            "__ASSETS__", assets
        )
    )
