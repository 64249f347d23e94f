#!/usr/bin/env python3
"""Fails when the code's structure breaks its own rules (lib.rs, docs/architecture.md):

1. a lower layer imports a higher one: `crate::api` from the core crate's `server`;
   `crate::app` or `crate::web` from `src/pages`. (The core crate, crates/dashboard-core,
   cannot name the pages, the app or the router at all: they are in the crate above it, and
   the compiler refuses the path.)
2. a module imports one that imports it back, directly or around a circle, in any crate of
   the workspace (each file is a module; an inline `mod x { … }` counts as its file).

It reads paths as text (`crate::…`, `super::…`, `self::…`, braces expanded), and resolves
each to the longest module that is a file, so an item's path leads to the file defining it.
Usage: scripts/check-layers.py [ROOT]; `--self-test` checks first that it finds a planted
layer breach and a planted circle (through a re-export), so a green run means something.
"""

import re
import sys
from pathlib import Path

ARGS = [a for a in sys.argv[1:] if a != "--self-test"]
ROOT = Path(ARGS[0] if ARGS else Path(__file__).resolve().parent.parent)

# The crate below the pages (crates/dashboard-core): api, server, i18n and the shared types.
CORE = "crates/dashboard-core/src"
# (where, what it must not name, why)
LAYER_RULES = [
    (f"{CORE}/server", "crate::api", "the server's state sits below the server functions"),
    ("src/pages", "crate::app", "pages sit below the app shell"),
    ("src/pages", "crate::web", "pages sit below the HTTP plumbing"),
]

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)(::\{)?")
# `use child::Item;`: a path relative to this module (edition 2018), read as `self::child`.
RELATIVE_USE = re.compile(r"\buse\s+(?!crate\b|super\b|self\b)([a-z_][a-z0-9_]*)((?:::[A-Za-z_][A-Za-z0-9_]*)*)")
INLINE_MOD = re.compile(r"\bmod\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{")


def crates():
    """(crate root folder, its src folder) for the dashboard and each crate under crates/."""
    yield ROOT / "src"
    for src in sorted((ROOT / "crates").glob("*/src")):
        yield src


def module_of(src: Path, file: Path) -> tuple:
    rel = file.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts.pop()
    return tuple(parts)


def strip_comments_and_strings(text: str) -> str:
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def braced(text: str, start: int) -> str:
    """The text inside the braces opening at `start`."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i]
    return ""


def inline_depth(text: str) -> list:
    """For each offset, how many inline `mod x {` blocks it sits in."""
    depth_at = [0] * (len(text) + 1)
    stack, mods = [], 0
    opens = {m.end() - 1 for m in INLINE_MOD.finditer(text)}
    for i, c in enumerate(text):
        if c == "{":
            stack.append(i in opens)
            mods += i in opens
        elif c == "}" and stack:
            mods -= stack.pop()
        depth_at[i] = mods
    return depth_at


def references(text: str):
    """(offset, [path segments]) for every module path, braces of `use a::{b, c::d}` expanded."""
    for m in PATH.finditer(text):
        head = [m.group(1)] + m.group(2).split("::")[1:]
        if m.group(3):
            inner = braced(text, m.end() - 1)
            for item in re.split(r",(?![^{]*\})", inner):
                item = item.strip().split(" as ")[0].strip()
                names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", item.split("{")[0])
                if names and names[0] != "self":
                    yield m.start(), head + names[:1]
                else:
                    yield m.start(), head
        else:
            yield m.start(), head


PUB_USE = re.compile(r"\bpub(?:\([a-z]+\))?\s+use\s+([^;]+);")


def reexports(module: tuple, text: str, files: set) -> dict:
    """What a module's `pub use` lines re-export: name -> the file module it comes from. A
    path through a re-export (`crate::AtlasClient`) depends on where the item is defined, not
    on the module that passes it on."""
    out = {}
    for m in PUB_USE.finditer(text):
        tree = re.sub(r"\s+as\s+", "@", m.group(1))
        tree = re.sub(r"\s+", "", tree)
        head, _, inner = tree.partition("{")
        head = [p for p in head.split("::") if p]
        items = [i for i in re.split(r",(?![^{]*\})", inner.rstrip("}")) if i] if inner else [""]
        for item in items:
            path, _, alias = item.partition("@")
            segments = head + [p for p in path.split("::") if p and "{" not in p]
            if not segments or segments[-1] == "*":
                continue
            if segments[0] not in ("crate", "self", "super"):
                segments = ["self"] + segments
            target = resolve(module, 0, segments, files)
            if target is not None and target != module:
                out[alias or segments[-1]] = target
    return out


def resolve(module: tuple, depth: int, segments: list, files: set, passed_on=None):
    """The file module a path leads to, or None outside the crate."""
    segments = list(segments)
    if segments[0] == "crate":
        base, segments = [], segments[1:]
    else:
        base, inline = list(module), depth
        while segments and segments[0] in ("self", "super"):
            if segments[0] == "super":
                # Climbing out of an inline `mod x {` stays in this file.
                if inline > 0:
                    inline -= 1
                elif base:
                    base.pop()
                else:
                    return None
            segments = segments[1:]
    path = base + segments
    for n in range(len(path), -1, -1):
        found = tuple(path[:n])
        if found in files:
            name = path[n] if n < len(path) else None
            if passed_on and name in passed_on.get(found, {}):
                return passed_on[found][name]
            return found
    return None


def check_layers(problems: list):
    for where, banned, why in LAYER_RULES:
        for file in sorted((ROOT / where).rglob("*.rs")):
            text = strip_comments_and_strings(file.read_text())
            for m in re.finditer(re.escape(banned) + r"\b", text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{file.relative_to(ROOT)}:{line}: names {banned} ({why})")


def check_circles(problems: list):
    for src in crates():
        files = {module_of(src, f): f for f in src.rglob("*.rs")}
        texts = {m: strip_comments_and_strings(f.read_text()) for m, f in files.items()}
        passed_on = {m: reexports(m, t, set(files)) for m, t in texts.items()}
        edges = {m: set() for m in files}
        for module, file in files.items():
            text = texts[module]
            depth = inline_depth(text)
            relative = [
                (m.start(), ["self", m.group(1)] + m.group(2).split("::")[1:])
                for m in RELATIVE_USE.finditer(text)
                if module + (m.group(1),) in files
            ]
            for offset, segments in [*references(text), *relative]:
                target = resolve(module, depth[offset], segments, set(files), passed_on)
                if target is not None and target != module:
                    edges[module].add(target)
        for circle in strongly_connected(edges):
            if len(circle) > 1:
                names = ", ".join(str(files[m].relative_to(ROOT)) for m in sorted(circle))
                problems.append(f"modules importing each other around a circle: {names}")


def strongly_connected(edges: dict):
    """Tarjan's algorithm, iteratively."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on.discard(top)
                    component.append(top)
                    if top == node:
                        break
                out.append(component)
    return out


def self_test():
    """A tiny tree with one breach and one circle: both must be found, and nothing else."""
    import tempfile

    global ROOT
    kept = ROOT
    with tempfile.TemporaryDirectory() as tmp:
        ROOT = Path(tmp)
        files = {
            "src/lib.rs": "pub mod pages;\npub mod server;\npub mod web;\n",
            "src/pages/mod.rs": "pub mod a;\n",
            "src/pages/a.rs": "use crate::web::Router; // a breach\n",
            "src/web/mod.rs": "pub struct Router;\n",
            "src/server/mod.rs": "mod x;\nmod y;\npub use x::Thing;\n",
            "src/server/x.rs": "pub struct Thing;\nuse super::y::Other;\n",
            "src/server/y.rs": "pub struct Other;\nfn f() { let _ = crate::server::Thing; }\n",
        }
        for name, text in files.items():
            (ROOT / name).parent.mkdir(parents=True, exist_ok=True)
            (ROOT / name).write_text(text)
        problems = []
        check_layers(problems)
        check_circles(problems)
    ROOT = kept
    assert len(problems) == 2, problems
    assert "src/pages/a.rs:1: names crate::web" in problems[0], problems
    assert "src/server/x.rs, src/server/y.rs" in problems[1], problems


def main():
    if "--self-test" in sys.argv:
        self_test()
    problems = []
    check_layers(problems)
    check_circles(problems)
    for p in problems:
        print(p)
    if problems:
        print(f"check-layers: {len(problems)} problem(s)")
        sys.exit(1)
    print("check-layers: no lower layer imports a higher one; no import circles")


if __name__ == "__main__":
    main()
