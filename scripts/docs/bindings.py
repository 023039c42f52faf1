"""Checks that each binding's README and guide list exactly the operations and error
classes the binding has (scripts/test-docs.sh).

    python bindings.py JAVA_CLASSES_DIR     (run with TAPTALK_LIBRARY set, for Python)

A list in a document is the text between ``<!-- binding-list: NAME -->`` and
``<!-- /binding-list -->`` (mdBook includes expanded). The names in it are matched by the
list's pattern and compared, as sets, with what the binding itself has:

- Python: the public methods of ``client.powertalk``/``sendtalk``/``onetalk``/``chatbot`` and the
  ``TapTalkError`` subclasses the package exports (imported, not read);
- Java: ``TapTalkClient``'s public methods named for a product and the subclasses of
  ``TapTalkException`` (read from the compiled classes with ``javap``);
- C++: the ``TAPTALK_HPP_OPERATIONS`` list of ``include/taptalk.hpp``;
- Swift: ``TapTalkClient``'s product methods and ``TapTalkError.Kind``'s cases, read from the
  sources (no Swift compiler here).
Every document that should carry a list must carry it: a missing list fails too.

Java and Swift have an ``...Async`` twin of every typed method. Their lists name the typed
methods once and say so in the list itself (the words "`...Async` twin"); each listed name then
stands for itself and its twin, and the twins are compared with the binding like the rest.
"""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
from typing import Callable, Dict, List, Set, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from markdown import REPO, expand_includes  # noqa: E402

PRODUCTS = r"(?:powertalk|sendtalk|onetalk|chatbot)"


def python_actual() -> Tuple[Set[str], Set[str]]:
    code = r"""
import json, inspect, taptalk
ops = set()
names = {"powertalk": "PowerTalk", "sendtalk": "SendTalk", "onetalk": "OneTalk", "chatbot": "Chatbot"}
for product, name in names.items():
    cls = getattr(taptalk, name)
    ops |= {f"{product}.{n}" for n, v in vars(cls).items() if callable(v) and not n.startswith("_")}
errors = {n for n in taptalk.__all__ if inspect.isclass(getattr(taptalk, n))
          and issubclass(getattr(taptalk, n), taptalk.TapTalkError)}
print(json.dumps([sorted(ops), sorted(errors)]))
"""
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO, "bindings", "python"))
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    ops, errors = json.loads(out)
    return set(ops), set(errors)


def java_actual(classes: str) -> Tuple[Set[str], Set[str]]:
    pkg = os.path.join(classes, "io", "taptalk", "sdk")
    names = sorted(os.path.basename(p)[:-6] for p in glob.glob(os.path.join(pkg, "*.class"))
                   if "$" not in p)
    out = subprocess.run(["javap", "-public", "-cp", classes] + [f"io.taptalk.sdk.{n}" for n in names],
                         check=True, capture_output=True, text=True).stdout
    ops, parents = set(), {}
    current = None
    for line in out.splitlines():
        m = re.match(r".*\bclass io\.taptalk\.sdk\.(\w+)(?: extends ([\w.]+))?", line)
        if m:
            current = m.group(1)
            parents[current] = (m.group(2) or "").rsplit(".", 1)[-1]
            continue
        m = re.match(rf"\s+public .*\b({PRODUCTS}[A-Z]\w*)\(", line)
        if m and current == "TapTalkClient":
            ops.add(m.group(1))

    def is_error(name: str) -> bool:
        while name:
            if name == "TapTalkException":
                return True
            name = parents.get(name, "")
        return False
    return ops, {n for n in parents if is_error(n)}


def cpp_actual() -> Set[str]:
    with open(os.path.join(REPO, "include", "taptalk.hpp"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("#define TAPTALK_HPP_OPERATIONS(X)", 1)[1].split("\n\n", 1)[0]
    return set(re.findall(r"X\((\w+)\)", block))


def swift_actual() -> Tuple[Set[str], Set[str]]:
    sources = ""
    for path in glob.glob(os.path.join(REPO, "bindings", "swift", "Sources", "TapTalk", "*.swift")):
        with open(path, encoding="utf-8") as f:
            sources += f.read()
    ops = set(re.findall(rf"public func ({PRODUCTS}[A-Z]\w*)\(", sources))
    kind = sources.split("enum Kind", 1)[1].split("}", 1)[0]
    kinds = set(re.findall(r"^\s*case `?(\w+)`?", kind, re.M))
    return ops, kinds


TWIN_SENTENCE = "`...Async` twin"


def listed(path: str, name: str, pattern: str, twins: bool = False) -> Set[str]:
    with open(os.path.join(REPO, path), encoding="utf-8") as f:
        text = expand_includes(path, f.read())
    regions = re.findall(rf"<!-- binding-list: {re.escape(name)} -->(.*?)<!-- /binding-list -->",
                         text, re.S)
    if not regions:
        raise SystemExit(f"docs bindings: {path} has no <!-- binding-list: {name} --> list")
    found: Set[str] = set()
    for region in regions:
        names = {".".join(g for g in m.groups() if g) for m in re.finditer(pattern, region)}
        if twins and names:
            if TWIN_SENTENCE not in region:
                raise SystemExit(f"docs bindings: {path}'s {name} list names no async twins: "
                                 f"it must say that every method has an {TWIN_SENTENCE}")
            names |= {n + "Async" for n in names}
        found |= names
    return found


def main() -> int:
    classes = sys.argv[1]
    py_ops, py_errors = python_actual()
    java_ops, java_errors = java_actual(classes)
    swift_ops, swift_kinds = swift_actual()
    cpp_ops = cpp_actual()
    twins = {"java-operations", "swift-operations"}
    checks: List[Tuple[str, List[str], str, Set[str]]] = [
        ("python-operations", ["bindings/python/README.md", "docs/src/python.md"],
         rf"client\.({PRODUCTS})\.(\w+)\(", py_ops),
        ("python-errors", ["bindings/python/README.md", "docs/src/python.md"],
         r"`(\w+(?:Error|Timeout))\b", py_errors),
        ("java-operations", ["bindings/java/README.md", "docs/src/java-android.md"],
         rf"`(?:client\.)?({PRODUCTS}[A-Z]\w*)[(`]", java_ops),
        ("java-errors", ["bindings/java/README.md", "docs/src/java-android.md"],
         r"\b(\w+Exception)\b", java_errors),
        ("cpp-operations", ["docs/src/cpp.md"], rf"\b({PRODUCTS}_\w+)\(", cpp_ops),
        ("swift-operations", ["bindings/swift/README.md", "docs/src/swift.md"],
         rf"`(?:client\.)?({PRODUCTS}[A-Z]\w*)[(`]", swift_ops),
        ("swift-errors", ["bindings/swift/README.md", "docs/src/swift.md"],
         r"`\.(\w+)`", swift_kinds),
    ]
    failures, lists = [], 0
    for name, docs, pattern, actual in checks:
        if not actual:
            failures.append(f"{name}: found nothing in the binding itself")
        for doc in docs:
            lists += 1
            found = listed(doc, name, pattern, name in twins)
            if found != actual:
                failures.append(f"{doc} ({name}): missing {sorted(actual - found)}, "
                                f"not in the binding {sorted(found - actual)}")
    for f in failures:
        print(f"docs bindings: {f}", file=sys.stderr)
    print(f"docs bindings: {lists} binding lists checked against the bindings "
          f"({len(py_ops)} Python methods, {len(py_errors)} Python errors, {len(java_ops)} Java "
          f"methods, {len(java_errors)} Java exceptions, {len(cpp_ops)} C++ methods, "
          f"{len(swift_ops)} Swift methods, {len(swift_kinds)} Swift error kinds); "
          f"{len(failures)} wrong")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
