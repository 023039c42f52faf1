"""Checks links (scripts/test-docs.sh).

    python links.py BOOK_DIR

- In the built book (BOOK_DIR, HTML): every relative ``href`` and ``src`` of the book's own
  pages names a file that exists in the output (the generated API references included),
  and every ``#fragment`` an ``id`` in that page. Links into the API references are checked
  as far as the page they land on; the references' own internal links are theirs.
- In the repository's other Markdown files (README.md, CONTRIBUTING.md, the bindings',
  sandbox's, bench's READMEs ...): every relative link names a file or folder inside the
  repository (nothing under ``../shared`` or above the checkout), and a ``#fragment`` into
  a Markdown file names one of its headings (GitHub's anchors).
External links (``https://...``) are not fetched: this machine has no network.
"""

from __future__ import annotations

import html.parser
import os
import re
import sys
import urllib.parse
from typing import Dict, List, Set, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from markdown import REPO, blocks, doc_files  # noqa: E402

API_DIR = "api"  # generated references under BOOK_DIR/api/: linked to, not crawled


class Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: List[str] = []
        self.ids: Set[str] = set()

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, str]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name == "name" and tag == "a" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def parse(path: str) -> Page:
    page = Page()
    with open(path, encoding="utf-8", errors="replace") as f:
        page.feed(f.read())
    return page


def external(link: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I)) or link.startswith("//")


def check_book(book: str) -> Tuple[int, int, List[str]]:
    pages: Dict[str, Page] = {}
    for root, dirs, files in os.walk(book):
        rel = os.path.relpath(root, book)
        if rel == API_DIR or rel.startswith(API_DIR + os.sep):
            dirs[:] = []
            continue
        for name in files:
            if name.endswith(".html"):
                pages[os.path.join(root, name)] = parse(os.path.join(root, name))
    errors, checked = [], 0
    id_cache: Dict[str, Set[str]] = {}
    for path, page in pages.items():
        for link in page.links:
            if external(link) or link.startswith("javascript:"):
                continue
            target, _, fragment = link.partition("#")
            target = urllib.parse.unquote(target)
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
            checked += 1
            if not os.path.exists(resolved):
                errors.append(f"{os.path.relpath(path, book)}: broken link {link}")
                continue
            if os.path.isdir(resolved):
                resolved = os.path.join(resolved, "index.html")
            if fragment and resolved.endswith(".html"):
                if resolved not in id_cache:
                    id_cache[resolved] = pages[resolved].ids if resolved in pages else parse(resolved).ids
                if urllib.parse.unquote(fragment) not in id_cache[resolved]:
                    errors.append(f"{os.path.relpath(path, book)}: no #{fragment} in {link}")
    return len(pages), checked, errors


def github_anchor(heading: str) -> str:
    text = re.sub(r"`|\*\*|\*|_(?=\w)|\[|\]\([^)]*\)", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: str) -> Set[str]:
    found, seen = set(), {}
    fenced = set()
    for b in blocks(path):
        fenced.update(range(b.line, b.line + b.code.count("\n") + 2))
    with open(os.path.join(REPO, path), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if m and n not in fenced:
                slug = github_anchor(m.group(1))
                count = seen.get(slug, 0)
                seen[slug] = count + 1
                found.add(slug if count == 0 else f"{slug}-{count}")
            for explicit in re.findall(r'<a (?:id|name)="([^"]+)"', line):
                found.add(explicit)
    return found


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|!\[[^\]]*\]\(([^)\s]+)\)")


def check_markdown() -> Tuple[int, int, List[str]]:
    errors, checked, files = [], 0, 0
    for path in doc_files():
        if path.startswith("docs" + os.sep + "src"):
            continue  # checked in the built book
        files += 1
        fenced = set()
        for b in blocks(path):
            fenced.update(range(b.line, b.line + b.code.count("\n") + 2))
        with open(os.path.join(REPO, path), encoding="utf-8") as f:
            lines = f.read().split("\n")
        for n, line in enumerate(lines, 1):
            if n in fenced:
                continue
            for m in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
                link = m.group(1) or m.group(2)
                if external(link):
                    continue
                checked += 1
                target, _, fragment = link.partition("#")
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), target)) if target else path
                if resolved.startswith(".."):
                    errors.append(f"{path}:{n}: {link} points outside the repository")
                    continue
                if not os.path.exists(os.path.join(REPO, resolved)):
                    errors.append(f"{path}:{n}: broken link {link}")
                    continue
                if fragment and resolved.endswith(".md") and fragment not in anchors(resolved):
                    errors.append(f"{path}:{n}: no heading #{fragment} in {resolved}")
    return files, checked, errors


def main() -> int:
    book = sys.argv[1]
    pages, book_links, errors = check_book(book)
    files, md_links, md_errors = check_markdown()
    errors += md_errors
    for e in errors:
        print(f"docs links: {e}", file=sys.stderr)
    print(f"docs links: {book_links} links in {pages} book pages, {md_links} links in "
          f"{files} other Markdown files; {len(errors)} broken")
    with open(os.path.join(book, "..", "link-counts.txt"), "w") as f:
        f.write(f"{pages} {book_links + md_links}\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
