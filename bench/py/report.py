"""Prints bench/run's table and the target lines from the result lines the contenders wrote.

    python3 report.py RESULTS_FILE

Lines read (tab-separated): RESULT name calls threads median_ns p99_ns calls_per_s,
RSS kb_at_1k calls kb_at_end, SO bytes stripped_bytes, SOMOBILE stripped_bytes recipe, NOTE text, MISSING name reason.
"""
import sys

FLOOR = "ureq (Rust, raw)"
TT_C = "taptalk (C ABI)"
CURL = "libcurl easy + cJSON (C)"
TT_PY = "taptalk (Python)"
REQUESTS = "requests.Session (Python)"
VALID_C = "taptalk C, validation only"
VALID_PY = "taptalk Python, validation only"


def us(ns):
    return f"{ns / 1000:.1f}"


def main(path):
    rows, notes, missing, rss, so, mobile = [], [], [], None, None, None
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "RESULT" and len(parts) == 7:
                rows.append((parts[1], int(parts[2]), int(parts[3]), int(parts[4]),
                             int(parts[5]), float(parts[6])))
            elif parts[0] == "RSS":
                rss = (int(parts[1]), int(parts[2]), int(parts[3]))
            elif parts[0] == "SOMOBILE":
                mobile = (parts[1], parts[2])
            elif parts[0] == "SO":
                so = (int(parts[1]), int(parts[2]))
            elif parts[0] == "NOTE":
                notes.append(parts[1])
            elif parts[0] == "MISSING":
                missing.append((parts[1], parts[2]))
    by_name = {r[0]: r for r in rows}
    floor = by_name.get(FLOOR)

    header = ("contender", "calls", "thr", "median us", "p99 us", "calls/s", "median/floor")
    table = [header]
    for name, calls, threads, median, p99, rate in rows:
        ratio = f"{median / floor[3]:.2f}x" if floor else "-"
        table.append((name, str(calls), str(threads), us(median), us(p99), f"{rate:,.0f}", ratio))
    for name, _ in missing:
        table.append((name, "-", "-", "-", "-", "-", "skipped"))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for i, r in enumerate(table):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        print("| " + " | ".join(cells) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 1) + (":" if j else "-") for j, w in
                                 enumerate(widths)) + "|")
    print()
    if so:
        print(f"libtaptalk.so: {so[0] / 1024:,.0f} KiB as built, {so[1] / 1024:,.0f} KiB stripped")
    if mobile:
        size, args = mobile
        if size:
            print(f"libtaptalk.so, mobile build (x86_64): {int(size):,} bytes stripped, {int(size) / 1048576:.2f} MiB (target 1.8 MiB)")
            print(f"  recipe: {args}")
        else:
            print(f"libtaptalk.so, mobile build (not built in --quick; run bench/run or scripts/build-mobile.sh): {args}")
    if rss:
        growth = rss[2] - rss[0]
        print(f"RSS (taptalk from C): {rss[0]:,} kB after 1,000 calls, {rss[2]:,} kB after "
              f"{rss[1]:,} calls ({growth:+,} kB)")
    for note in notes:
        print(f"note: {note}")
    for name, reason in missing:
        print(f"skipped: {name}: {reason}")
    print()
    print("targets (per-call = median latency):")

    def target(text, ok, detail):
        mark = "n/a" if ok is None else ("met" if ok else "NOT MET")
        print(f"  [{mark:^7}] {text}: {detail}")

    def pair(a, b):
        return (by_name[a][3], by_name[b][3]) if a in by_name and b in by_name else None

    p = pair(TT_C, FLOOR)
    target("taptalk C within 1.15x of raw ureq", p and p[0] / p[1] <= 1.15,
           f"{p[0] / p[1]:.2f}x ({us(p[0])} vs {us(p[1])} us)" if p else "missing rows")
    for suffix in ("", ", HTTPS"):
        c, curl = by_name.get(TT_C + suffix), by_name.get(CURL + suffix)
        over = "HTTPS" if suffix else "plain HTTP"
        if not (c and curl):
            target(f"taptalk C vs libcurl ({over})", None, "missing rows")
            continue
        target(f"taptalk C median <= libcurl's ({over})", c[3] <= curl[3],
               f"{c[3] / curl[3]:.2f}x ({us(c[3])} vs {us(curl[3])} us)")
        target(f"taptalk C calls/s >= libcurl's ({over})", c[5] >= curl[5],
               f"{c[5]:,.0f} vs {curl[5]:,.0f}")
        target(f"taptalk C p99 within 1.5x of libcurl's ({over})", c[4] <= 1.5 * curl[4],
               f"{c[4] / curl[4]:.2f}x ({us(c[4])} vs {us(curl[4])} us)")
    # Host names (issue 24): a name costs no more than an IP literal once it is cached.
    for contender in (TT_C, TT_PY, CURL):
        p = pair(contender + ", by name", contender)
        if p:
            print(f"  name/literal, {contender}: {p[0] / p[1]:.3f}x ({us(p[0])} vs {us(p[1])} us)")
    for contender in (TT_C, TT_PY):
        p = pair(contender + ", by name", contender)
        target(f"{contender} by name within 5% of its literal row", p and p[0] <= 1.05 * p[1],
               f"{p[0] / p[1]:.3f}x" if p else "missing rows")
    p = pair(TT_C + ", by name", CURL + ", by name")
    target("taptalk C by name at or under libcurl by name", p and p[0] <= p[1],
           f"{p[0] / p[1]:.2f}x ({us(p[0])} vs {us(p[1])} us)" if p else "missing rows")
    p = pair(REQUESTS, TT_PY)
    target("taptalk Python >= 3x faster than requests.Session", p and p[0] / p[1] >= 3,
           f"{p[0] / p[1]:.2f}x faster ({us(p[1])} vs {us(p[0])} us)" if p else "missing rows")
    v = by_name.get(VALID_C)
    target("validation-only call from C < 5 us", v and v[3] < 5000,
           f"{v[3] / 1000:.2f} us median, {v[4] / 1000:.2f} us p99" if v else "missing row")
    if rss:
        calls = rss[1] - 1000
        per_call = (rss[2] - rss[0]) * 1024 / calls if calls > 0 else 0
        # Allocator and page-cache noise is a few hundred kB; growth per call would show as MBs.
        target("no per-call RSS growth", rss[2] - rss[0] <= 1024,
               f"{per_call:+.2f} bytes/call over {calls:,} calls")
    else:
        target("no per-call RSS growth", None, "missing RSS run")


if __name__ == "__main__":
    main(sys.argv[1])
