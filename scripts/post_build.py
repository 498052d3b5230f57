"""Trunk post-build hook (see Trunk.toml): seals the built page.

1. Content-Security-Policy: replaces 'sha256-LOADER' in index.html with the
   SHA-256 of each inline script trunk wrote (its wasm loader), so the
   policy allows exactly those and no other inline script.
2. Offline: fills sw.js with the list of every file of the build and a
   version that is a hash of all of them, so the service worker caches the
   whole app and a new build is a new service worker.
3. Precompressed files: once every file is final, writes FILE.gz (gzip -9,
   the compressor the page bench counts with) and FILE.br (brotli at its
   best, Debian's `brotli`) beside each compressible file, when smaller;
   `iotda-kit serve` sends them to browsers that accept them. They are not
   in sw.js's list: the browser fetches the plain names and decodes.

Fails the build when a placeholder or the loader is missing, or a
compressor is.
"""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
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

COMPRESSIBLE = (".wasm", ".js", ".html", ".css", ".json", ".svg", ".webmanifest")
COMPRESSORS = {
    # -n: no name or time in the header, so a rebuild writes the same bytes.
    ".gz": ["gzip", "-9", "-n", "-c"],
    ".br": ["brotli", "--best", "-c"],
}
for tool in {argv[0] for argv in COMPRESSORS.values()}:
    if shutil.which(tool) is None:
        fail(f"{tool} is missing (scripts/lib.sh install_toolchain installs it)")
for name in files + [os.path.relpath(sw, staging)]:
    if not name.endswith(COMPRESSIBLE):
        continue
    path = os.path.join(staging, name)
    size = os.path.getsize(path)
    for suffix, argv in COMPRESSORS.items():
        packed = subprocess.run(argv + [path], check=True, capture_output=True).stdout
        # A tiny file can grow: then the plain one is all there is to send.
        if len(packed) < size:
            with open(path + suffix, "wb") as f:
                f.write(packed)
