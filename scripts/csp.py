"""Trunk post-build hook (see Trunk.toml).

Replaces 'sha256-LOADER' in index.html's Content-Security-Policy with the
SHA-256 of each inline script trunk wrote (its wasm loader), so the policy
allows exactly those scripts and no other inline one. Fails the build when
the placeholder or the loader is missing.
"""

import base64
import hashlib
import os
import re
import sys

path = os.path.join(os.environ["TRUNK_STAGING_DIR"], "index.html")
with open(path, encoding="utf-8") as f:
    html = f.read()
scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
if not scripts or "'sha256-LOADER'" not in html:
    sys.exit(f"csp.py: {path} has no inline loader or no 'sha256-LOADER' placeholder")
hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
    for s in scripts
)
with open(path, "w", encoding="utf-8") as f:
    f.write(html.replace("'sha256-LOADER'", hashes))
