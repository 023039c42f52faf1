"""What the documentation checks share: which Markdown files are documentation, their code
blocks (with the info-string markers CONTRIBUTING.md defines), and mdBook's
``{{#include path}}`` expanded as mdBook expands it."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from typing import List

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Generated partials are included into pages; their text is checked where it is included.
PARTIALS = os.path.join("docs", "src", "reference")


def doc_files() -> List[str]:
    """Every Markdown file in the repository (tracked or new, not ignored), relative."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
        cwd=REPO, check=True, capture_output=True, text=True).stdout.split()
    return sorted(p for p in set(out) if os.path.exists(os.path.join(REPO, p)))


INCLUDE = re.compile(r"\{\{#include ([^}\s]+)\}\}")


def read_include(including: str, spec: str) -> str:
    """One ``{{#include path[:anchor]}}`` of ``including``: the whole file, or the lines
    between ``ANCHOR: name`` and ``ANCHOR_END: name`` as mdBook takes them."""
    target, _, anchor = spec.partition(":")
    target = os.path.normpath(os.path.join(os.path.dirname(including), target))
    with open(os.path.join(REPO, target), encoding="utf-8") as f:
        text = f.read()
    if anchor:
        lines, inside, kept = text.split("\n"), False, []
        for line in lines:
            if f"ANCHOR_END: {anchor}" in line:
                inside = False
            elif f"ANCHOR: {anchor}" in line:
                inside = True
            elif inside and "ANCHOR" not in line:
                kept.append(line)
        text = "\n".join(kept) + "\n"
    return expand_includes(target, text)


def expand_includes(path: str, text: str) -> str:
    """mdBook's ``{{#include file}}`` and ``{{#include file:anchor}}``, relative to the
    including file."""
    return INCLUDE.sub(lambda m: read_include(path, m.group(1)), text)


@dataclass
class Block:
    path: str            # relative to the repository
    line: int            # 1-based line of the opening fence
    lang: str            # "python", "c", "cpp", "java", "json", ...
    attrs: List[str] = field(default_factory=list)   # e.g. ["no-run"], ["fragment"], ["run"]
    code: str = ""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^`\s]*)\s*$")
LANGS = {"py": "python", "python3": "python", "c++": "cpp", "cxx": "cpp", "hpp": "cpp",
         "h": "c"}


def blocks(path: str) -> List[Block]:
    """The fenced code blocks of one file, in order."""
    with open(os.path.join(REPO, path), encoding="utf-8") as f:
        lines = f.read().split("\n")
    found: List[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3)
        parts = [p for p in info.split(",") if p]
        lang = LANGS.get(parts[0].lower(), parts[0].lower()) if parts else ""
        start = i
        body: List[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            line = lines[i]
            body.append(line[len(indent):] if line.startswith(indent) else line)
            i += 1
        code = expand_includes(path, "\n".join(body) + "\n")
        found.append(Block(path, start + 1, lang, parts[1:], code))
        i += 1
    return found
