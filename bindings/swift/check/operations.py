"""The Swift package, read from its sources (no Swift compiler on these machines), against the
library's own tables:

- ``TapTalkClient`` has one typed method per operation of ``tt_operations()``, named like the
  C-ABI name in camel case and calling exactly that name, and no other product method;
- and one ``async`` twin per operation (``TapTalkAsync.swift``: ``<name>Async``, calling
  ``callAsync`` with exactly that name), which honours task cancellation;
- ``TapTalkError.kind`` maps every ``TT_ERR_*`` code of the header to its own kind.

    python3 operations.py TABLE_JSON_FILE SOURCES_DIR HEADER

Run by scripts/test-swift-modulemap.sh with the table printed through the CTapTalk module map
(``import_module --operations``). Prints what differs and exits 1, or prints a summary.
"""

import json
import os
import re
import sys


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def main(table_file: str, sources: str, header_file: str) -> int:
    with open(table_file, encoding="utf-8") as f:
        table = json.load(f)
    with open(os.path.join(sources, "TapTalkClient.swift"), encoding="utf-8") as f:
        client = f.read()
    with open(os.path.join(sources, "TapTalkError.swift"), encoding="utf-8") as f:
        errors = f.read()
    with open(os.path.join(sources, "TapTalkAsync.swift"), encoding="utf-8") as f:
        asynchronous = f.read()
    with open(header_file, encoding="utf-8") as f:
        header = f.read()
    problems = []

    names = [row["name"] for row in table]
    products = sorted({row["product"] for row in table})
    if not names:
        problems.append("tt_operations() listed no operation")
    typed = re.findall(r'public func (\w+)\(_ requestJSON: String\) throws -> Data '
                       r'\{ try call\("(\w+)", requestJSON\) \}', client)
    called = [name for _, name in typed]
    if called != names:
        problems.append(f"typed methods call {called}, the library has {names}")
    for method, name in typed:
        if method != camel(name):
            problems.append(f"{method} calls {name!r}; its name would be {camel(name)}")
    product_funcs = re.findall(r"public func ((?:%s)[A-Z]\w*)\(" % "|".join(products), client)
    extra = sorted(set(product_funcs) - {method for method, _ in typed})
    if extra:
        problems.append(f"product methods that are not typed operations: {extra}")

    awaited = re.findall(r'public func (\w+)Async\(_ requestJSON: String\) async throws -> Data '
                         r'\{ try await callAsync\("(\w+)", requestJSON\) \}', asynchronous)
    if [name for _, name in awaited] != names:
        problems.append(f"async methods call {[n for _, n in awaited]}, the library has {names}")
    for method, name in awaited:
        if method != camel(name):
            problems.append(f"{method}Async calls {name!r}; its name would be {camel(name)}Async")
    async_funcs = re.findall(r"public func ((?:%s)[A-Z]\w*)\(" % "|".join(products), asynchronous)
    extra = sorted(set(async_funcs) - {method + "Async" for method, _ in awaited})
    if extra:
        problems.append(f"product async methods that are not typed operations: {extra}")
    # The cancellation handler is what makes a cancelled Task cancel the native call.
    for needed in ("withTaskCancellationHandler", "tt_cancel(", "tt_call_cancellable",
                   "tt_call_many_cancellable"):
        if needed not in asynchronous + client:
            problems.append(f"the async calls do not use {needed}")

    codes = re.findall(r"^\s+TT_ERR_\w+ = (\d+),$", header, re.M)
    exact = dict(re.findall(r'"(\d{5})": \.(\w+)', errors))
    if not codes:
        problems.append("no TT_ERR_ constant found in the header")
    missing = [code for code in codes if code not in exact]
    if missing:
        problems.append(f"TapTalkError.kind has no exact kind for {missing}")

    for problem in problems:
        print("swift:", problem)
    if problems:
        return 1
    print(f"swift: {len(typed)} typed methods and {len(awaited)} async twins = tt_operations(); "
          f"{len(codes)} library codes each with a kind")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
