#!/usr/bin/env python3
"""The web app's import graph between the top-level modules of src/.

Prints each module and the modules it imports (`crate::name`, tests and
doc links included, comment lines skipped), then any circle; exits 1 when
there is one. Run by scripts/check_walls.sh.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "src"
USE = re.compile(r"crate::(\w+)")
GROUP = re.compile(r"crate::\{([^}]*)\}")


def module_of(path):
    """The top-level module a file of src/ belongs to."""
    return path.relative_to(ROOT).parts[0].removesuffix(".rs")


def graph():
    """{module: {imported module: [files]}} over every .rs file of src/."""
    edges = {}
    for path in sorted(ROOT.rglob("*.rs")):
        here = module_of(path)
        if here in ("main", "bin"):
            continue
        code = "\n".join(
            line for line in path.read_text().splitlines() if not line.lstrip().startswith("//")
        )
        names = set(USE.findall(code))
        for group in GROUP.findall(code):
            names.update(re.findall(r"(?:^|,)\s*(\w+)", group))
        for name in names - {here}:
            if (ROOT / name).is_dir() or (ROOT / f"{name}.rs").is_file():
                edges.setdefault(here, {}).setdefault(name, []).append(str(path.relative_to(ROOT.parent)))
        edges.setdefault(here, {})
    return edges


def circles(edges):
    """Every strongly connected group of more than one module."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main():
    edges = graph()
    for module in sorted(edges):
        print(f"{module} -> {', '.join(sorted(edges[module])) or '(nothing)'}")
    bad = circles(edges)
    for group in bad:
        print(f"error: import circle among {', '.join(group)}:", file=sys.stderr)
        for a in group:
            for b in group:
                for path in sorted(set(edges[a].get(b, []))):
                    print(f"  {a} -> {b} in {path}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
