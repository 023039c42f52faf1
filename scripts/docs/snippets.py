"""Runs and compiles every code block of the documentation (scripts/test-docs.sh).

    python snippets.py --sandbox BIN --lib DIR --java-classes DIR --work DIR

- ``python``: every block of a page runs, in order, in one fresh interpreter against one
  sandbox (reset per page), through ``prelude.py`` (keys and hosts pointed at the sandbox).
  ``python,no-run`` is compiled only (a server loop, a platform API, ...).
- ``c`` / ``cpp``: compiled as a whole file with ``-Wall -Wextra -Werror`` (C11, C++17),
  linked when it has a ``main``; ``,run`` also runs it against the sandbox (its
  ``http://127.0.0.1:8080`` replaced) and wants exit status 0; ``,fragment`` is the body of
  ``void snippet(TtClient *client)`` (C++: ``taptalk::Client& client``).
- ``java``: compiled with ``javac -Werror`` against the binding's classes; a block without a
  ``class`` is the body of ``static void snippet(TapTalkClient client)``, so a checked
  exception must be handled as a reader's code would have to.
- ``json``: must parse. Other languages (sh, cmake, swift, text) are not checked here.

Prints one line per kind and fails on the first broken block, naming its file and line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter, defaultdict
from typing import Dict, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from markdown import REPO, Block, blocks, doc_files  # noqa: E402

CFLAGS = ["-Wall", "-Wextra", "-Werror"]
SANDBOX_LITERAL = "http://127.0.0.1:8080"


class Failure(Exception):
    pass


def run(cmd: List[str], what: str, timeout: int = 120, **kw) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    except subprocess.TimeoutExpired:
        raise Failure(f"{what}: timed out after {timeout} s")
    if done.returncode != 0:
        raise Failure(f"{what}: exit status {done.returncode}\n{done.stdout}{done.stderr}")
    return done


class Sandbox:
    def __init__(self, binary: str) -> None:
        self.process = subprocess.Popen([binary, "--listen", "127.0.0.1:0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True)
        first = self.process.stdout.readline().strip()
        prefix = "taptalk-sandbox listening on "
        if not first.startswith(prefix):
            self.process.kill()
            raise Failure(f"unexpected first line from the sandbox: {first!r}")
        self.url = first[len(prefix):]
        threading.Thread(target=self.process.stdout.read, daemon=True).start()

    def reset(self) -> None:
        request = urllib.request.Request(self.url + "/_sandbox/reset", data=b"{}", method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# -- Python ------------------------------------------------------------------------------

RUNNER = """
import sys, traceback
sys.path.insert(0, {here!r})
import prelude  # noqa: F401
namespace = {{"__name__": "__main__"}}
for where, source in {snippets!r}:
    try:
        exec(compile(source, where, "exec"), namespace)
    except SystemExit as e:
        if e.code not in (None, 0):
            print("snippet at " + where + " exited with " + repr(e.code), file=sys.stderr)
            sys.exit(1)
    except BaseException:
        traceback.print_exc()
        print("snippet at " + where + " failed", file=sys.stderr)
        sys.exit(1)
"""


def python_blocks(page: List[Block], sandbox: Sandbox, python: str, env: Dict[str, str],
                  counts: Counter) -> None:
    runnable = []
    for b in page:
        try:
            compile(b.code, b.where, "exec")
        except SyntaxError as e:
            raise Failure(f"{b.where}: Python snippet does not compile: {e}")
        if "no-run" in b.attrs:
            counts["python no-run (compiled only)"] += 1
        else:
            runnable.append((b.where, b.code))
    if not runnable:
        return
    sandbox.reset()
    script = RUNNER.format(here=os.path.dirname(os.path.abspath(__file__)), snippets=runnable)
    with tempfile.TemporaryDirectory() as tmp:
        run([python, "-c", script], f"Python snippets of {page[0].path}", timeout=300,
            cwd=tmp, env=env)
    counts["python run"] += len(runnable)


# -- C and C++ ---------------------------------------------------------------------------

C_PRELUDE = """#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <taptalk.h>
void snippet(TtClient *client);
void snippet(TtClient *client) {
(void)client;
"""
CPP_PRELUDE = """#include <iostream>
#include <string>
#include <taptalk.hpp>
void snippet(taptalk::Client& client);
void snippet(taptalk::Client& client) {
(void)client;
"""


def native_block(b: Block, work: str, lib: str, sandbox: Sandbox, counts: Counter) -> None:
    cpp = b.lang == "cpp"
    source = b.code
    if "fragment" in b.attrs:
        source = (CPP_PRELUDE if cpp else C_PRELUDE) + source + "}\n"
    source = source.replace(SANDBOX_LITERAL, sandbox.url)
    name = re.sub(r"[^A-Za-z0-9]+", "_", b.where)
    src = os.path.join(work, name + (".cpp" if cpp else ".c"))
    with open(src, "w", encoding="utf-8") as f:
        f.write(f'#line 1 "{b.where}"\n' if "fragment" not in b.attrs else "")
        f.write(source)
    compiler = ["g++", "-std=c++17"] if cpp else ["gcc", "-std=c11"]
    include = ["-I", os.path.join(REPO, "include")]
    has_main = re.search(r"\bint\s+main\s*\(", source) is not None
    if not has_main:
        run(compiler + CFLAGS + include + ["-c", src, "-o", src + ".o"],
            f"{b.where}: {b.lang} snippet does not compile")
    else:
        exe = src + ".bin"
        run(compiler + CFLAGS + include + [src, "-o", exe, "-L", lib, "-ltaptalk",
                                           f"-Wl,-rpath,{lib}"],
            f"{b.where}: {b.lang} snippet does not compile and link")
        if "run" in b.attrs:
            run([exe], f"{b.where}: {b.lang} snippet run against the sandbox", timeout=60)
            counts[f"{b.lang} run"] += 1
    counts[f"{b.lang} compiled"] += 1


# -- Java --------------------------------------------------------------------------------

JAVA_IMPORTS = """import io.taptalk.sdk.*;
import java.util.*;
import java.util.concurrent.*;
import java.security.*;
"""


def java_blocks(all_java: List[Block], work: str, classes: str, counts: Counter) -> None:
    if not all_java:
        return
    root = os.path.join(work, "java")
    files, origin = [], {}
    for n, b in enumerate(all_java):
        package = f"snippet{n}"
        if re.search(r"^\s*(public\s+)?(final\s+)?class\s+\w+", b.code, re.M):
            body = b.code
            if "import io.taptalk.sdk" not in body:
                body = JAVA_IMPORTS + body
            name = re.search(r"class\s+(\w+)", body).group(1)
        else:
            name = "Snippet"
            body = (JAVA_IMPORTS + "class Snippet {\n    static void snippet(TapTalkClient client) {\n"
                    + b.code + "\n    }\n}\n")
        directory = os.path.join(root, package)
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, name + ".java")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"package {package};\n" + body)
        files.append(path)
        origin[path] = b.where
    done = subprocess.run(["javac", "-Xlint:all", "-Xlint:-processing", "-Werror", "-d",
                           os.path.join(work, "java-out"), "-cp", classes] + files,
                          capture_output=True, text=True)
    if done.returncode != 0:
        text = done.stdout + done.stderr
        for path, where in origin.items():
            text = text.replace(path, f"{where} (as {os.path.basename(path)})")
        raise Failure("Java snippets do not compile:\n" + text)
    counts["java compiled"] += len(files)


# -- main --------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--lib", required=True, help="directory of libtaptalk.so")
    parser.add_argument("--java-classes", required=True)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    args.lib, args.work = os.path.abspath(args.lib), os.path.abspath(args.work)
    args.java_classes = os.path.abspath(args.java_classes)

    by_lang: Dict[str, List[Block]] = defaultdict(list)
    for path in doc_files():
        for b in blocks(path):
            by_lang[b.lang].append(b)
    counts: Counter = Counter()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.join(REPO, "bindings", "python")
    env["TAPTALK_LIBRARY"] = os.path.join(args.lib, "libtaptalk.so")
    sandbox = Sandbox(args.sandbox)
    env["TAPTALK_DOCS_SANDBOX"] = sandbox.url
    started = time.monotonic()
    try:
        for b in by_lang["json"]:
            try:
                json.loads(b.code)
            except ValueError as e:
                raise Failure(f"{b.where}: JSON block does not parse ({e}); "
                              "use ```text for an outline that is not JSON")
            counts["json parsed"] += 1
        pages: Dict[str, List[Block]] = defaultdict(list)
        for b in by_lang["python"]:
            pages[b.path].append(b)
        for page in pages.values():
            python_blocks(page, sandbox, args.python, env, counts)
        for b in by_lang["c"] + by_lang["cpp"]:
            native_block(b, args.work, args.lib, sandbox, counts)
        java_blocks(by_lang["java"], args.work, args.java_classes, counts)
    except Failure as e:
        print(f"docs snippets: FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        sandbox.stop()
    unchecked = sorted(f"{lang or 'plain'} {len(bs)}" for lang, bs in by_lang.items()
                       if lang not in ("python", "c", "cpp", "java", "json"))
    for kind in sorted(counts):
        print(f"docs snippets: {counts[kind]} {kind}")
    print(f"docs snippets: not checked here (shell, CMake, Swift, text...): {', '.join(unchecked)}")
    print(f"docs snippets: {sum(counts.values())} checks in {time.monotonic() - started:.1f} s")
    # For scripts/test-docs.sh's summary line.
    with open(os.path.join(args.work, "snippet-counts.json"), "w") as f:
        json.dump(dict(counts), f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
