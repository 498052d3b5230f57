#!/usr/bin/env python3
"""Checks the README and docs/*.md against the repository.

1. Every repository path they name exists: a link target (relative to the
   Markdown file, as a reader's viewer resolves it), and every word in
   `code` or a fenced block that starts with one of the repository's
   top-level folders (`src/`, `crates/`, `scripts/`, ...) or is one of its
   top-level files (`index.html`, `Trunk.toml`, ...), relative to the root.
   Globs (`*`) must match something; `{a,b}` names each of a and b; a
   `{placeholder}` without a comma stands for any one name; a trailing
   `:12` or `:12-40` (a line) is ignored.
2. README.md is under MAX_README_LINES lines: the rest belongs in docs/.

First it runs its own tests (a made-up path, a broken link, a long README
are caught; real ones pass), then checks the repository, and ends with one
`test result:` line as cargo does, which scripts/test.sh adds to its total.

    python3 scripts/check_docs.py            (from anywhere in the repository)

Exit 0 when all is well; 1 with one line per problem, each naming the file,
the line and the path that does not exist.
"""

import glob
import os
import re
import sys
import tempfile
import unittest

MAX_README_LINES = 250

# Build outputs and installed tools: named by the docs, never in the
# repository, so not checked.
NOT_IN_REPOSITORY = {"target", "dist", ".tools", "node_modules", ".git"}

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [text](target) and ![alt](target); the target ends at a space (a title
# may follow) or the closing parenthesis.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
TRAILING_LINE = re.compile(r":\d+(-\d+)?$")
# Characters around a path in prose or shell that are not part of it.
STRIP = "\"'`,;:.()[]<>|&"


def roots(repo):
    """The repository's top-level folders and files, as a docs path may start."""
    folders, files = set(), set()
    for name in os.listdir(repo):
        if name in NOT_IN_REPOSITORY:
            continue
        (folders if os.path.isdir(os.path.join(repo, name)) else files).add(name)
    return folders, files


def expand(path):
    """Globs a docs path may stand for: `{a,b}` each, `{name}` any one name."""
    match = re.search(r"\{([^{}]*)\}", path)
    if not match:
        return [path]
    head, tail = path[: match.start()], path[match.end() :]
    choices = match.group(1).split(",") if "," in match.group(1) else ["*"]
    return [p for choice in choices for p in expand(head + choice.strip() + tail)]


def exists(path):
    """Whether every form of `path` (after expansion) names something."""
    for form in expand(path):
        if any(ch in form for ch in "*?["):
            if not glob.glob(form):
                return False
        elif not os.path.exists(form):
            return False
    return True


def code_paths(text, folders, files):
    """Words of a code span or block that are repository paths."""
    for word in text.split():
        word = TRAILING_LINE.sub("", word.strip(STRIP)).strip(STRIP)
        if word.startswith("./"):
            word = word[2:]
        first = word.split("/", 1)[0]
        if ("/" in word and first in folders) or word in files:
            yield word


def named_paths(md_file, repo):
    """(line number, path as written, path to test) for each path the file names."""
    folders, files = roots(repo)
    base = os.path.dirname(md_file)
    in_fence = False
    with open(md_file, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                for path in code_paths(line, folders, files):
                    yield number, path, os.path.join(repo, path)
                continue
            for match in LINK.finditer(line):
                target = match.group(1).split("#", 1)[0]
                if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                    continue  # an anchor in the same file, or a URL
                yield number, target, os.path.normpath(os.path.join(base, target))
            for match in CODE_SPAN.finditer(LINK.sub("", line)):
                for path in code_paths(match.group(2), folders, files):
                    yield number, path, os.path.join(repo, path)


def problems(repo):
    """Every stale path and an over-long README, as `file:line: sentence`."""
    found = []
    readme = os.path.join(repo, "README.md")
    docs = sorted(glob.glob(os.path.join(repo, "docs", "*.md")))
    for md_file in [readme] + docs:
        if not os.path.exists(md_file):
            found.append(f"{os.path.relpath(md_file, repo)}: missing")
            continue
        shown = os.path.relpath(md_file, repo)
        for number, written, path in named_paths(md_file, repo):
            if not exists(path):
                found.append(
                    f"{shown}:{number}: `{written}` does not exist in the repository "
                    "(renamed or removed? correct the path or drop the sentence)"
                )
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as f:
            lines = len(f.read().splitlines())
        if lines >= MAX_README_LINES:
            found.append(
                f"README.md: {lines} lines, at most {MAX_README_LINES - 1}: "
                "move details to a docs/ file and link it"
            )
    return found


class SelfTest(unittest.TestCase):
    """The check on a small made-up repository."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.repo = self.dir.name
        for path in ["scripts/run.sh", "src/pages/console.rs", "docs/cli.md", "docs/shot.png", "index.html"]:
            os.makedirs(os.path.join(self.repo, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(self.repo, path), "w", encoding="utf-8") as f:
                f.write("x\n")

    def tearDown(self):
        self.dir.cleanup()

    def write(self, path, text):
        with open(os.path.join(self.repo, path), "w", encoding="utf-8") as f:
            f.write(text)

    def test_real_paths_pass(self):
        self.write(
            "README.md",
            "Run `scripts/run.sh --port 8080`; see [the CLI](docs/cli.md#pub), `src/pages/console.rs:87-104`,\n"
            "`src/{pages}/console.rs`, `src/pages/*.rs`, `index.html`, and `target/e2e/x.png` (built),\n"
            "![shot](docs/shot.png) and <https://example.invalid/x>.\n"
            "```\nscripts/run.sh\n```\n",
        )
        self.write("docs/cli.md", "Back to [the README](../README.md) and [a shot](shot.png).\n")
        self.assertEqual(problems(self.repo), [])

    def assert_one_problem(self, readme, doc, expected):
        """Writes README.md and docs/cli.md; the check finds one problem, `expected`."""
        self.write("README.md", readme)
        self.write("docs/cli.md", doc)
        found = problems(self.repo)
        self.assertEqual(len(found), 1, found)
        self.assertIn(expected, found[0])

    def test_made_up_path_in_code_is_named(self):
        self.assert_one_problem(
            "x\nThe hook is `scripts/csp.py`.\n", "ok\n", "README.md:2: `scripts/csp.py` does not exist"
        )

    def test_made_up_path_in_docs_block_and_brace_is_named(self):
        self.assert_one_problem(
            "ok\n",
            "```\nsrc/pages/{console,guide}.rs\n```\n",
            "docs/cli.md:2: `src/pages/{console,guide}.rs`",
        )

    def test_broken_link_is_named_relative_to_its_file(self):
        # From docs/, `docs/shot.png` is docs/docs/shot.png: broken.
        self.assert_one_problem("ok\n", "![shot](docs/shot.png)\n", "docs/cli.md:1: `docs/shot.png` does not exist")

    def test_long_readme_is_refused(self):
        self.assert_one_problem("line\n" * MAX_README_LINES, "ok\n", f"README.md: {MAX_README_LINES} lines")


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(SelfTest)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    passed = result.testsRun - len(result.failures) - len(result.errors)
    failed = len(result.failures) + len(result.errors)

    found = problems(repo)
    for problem in found:
        print(f"error: {problem}")
    if found:
        failed += 1
    else:
        print("the README and docs/*.md name no path that does not exist; README.md is short enough ... ok")
        passed += 1
    print(f"test result: {'ok' if failed == 0 else 'FAILED'}. {passed} passed; {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
