"""Prints bench/many's table from the rows its contenders wrote.

    python3 many_report.py RESULTS_FILE CONCURRENCY LATENCY_MS [quick]

Lines read (tab-separated): ROW name sends concurrency seconds cpu_seconds peak_rss_kb failed
delivered duplicates round, and MISSING contender reason. With several rounds, each row shows
its median round (by calls/s) and the range of calls/s over the rounds.
"""
import statistics
import sys


def main(path, concurrency, latency_ms, quick=""):
    limit = int(concurrency) / (int(latency_ms) / 1000)
    rows, missing, order = {}, [], []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "ROW":
                name = parts[1]
                if name not in rows:
                    rows[name] = []
                    order.append(name)
                rows[name].append({
                    "sends": int(parts[2]), "seconds": float(parts[4]), "cpu": float(parts[5]),
                    "rss_kb": int(parts[6]), "failed": int(parts[7]),
                    "delivered": int(parts[8]), "duplicates": int(parts[9]),
                })
            elif parts[0] == "MISSING":
                missing.append((parts[1], parts[2]))
    header = ("contender", "sends", "calls/s", "rounds' calls/s", "limit", "share",
              "CPU s / 1k", "peak RSS MB", "delivered", "duplicates", "failed")
    table = [header]
    for name in order:
        runs = rows[name]
        for run in runs:
            run["rate"] = run["sends"] / run["seconds"]
        ranked = sorted(runs, key=lambda r: r["rate"])
        median = ranked[(len(ranked) - 1) // 2] if len(ranked) % 2 else ranked[len(ranked) // 2]
        rates = [r["rate"] for r in runs]
        spread = (f"{min(rates):,.0f}-{max(rates):,.0f}" if len(runs) > 1 else "-")
        table.append((
            name, f"{median['sends']:,}", f"{median['rate']:,.0f}", spread, f"{limit:,.0f}",
            f"{100 * median['rate'] / limit:.0f}%",
            f"{1000 * median['cpu'] / median['sends']:.2f}",
            f"{max(r['rss_kb'] for r in runs) / 1024:.1f}",
            f"{median['delivered']:,}", str(sum(r["duplicates"] for r in runs)),
            str(sum(r["failed"] for r in runs)),
        ))
    for name, reason in missing:
        table.append((name, "-", "-", "-", "-", "-", "-", "-", "-", "-", f"skipped: {reason}"))
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for i, r in enumerate(table):
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:], widths[1:])]
        print("| " + " | ".join(cells) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 1) + (":" if j else "-")
                                 for j, w in enumerate(widths)) + "|")
    print()
    print(f"limit: {concurrency} requests in flight / {latency_ms} ms = {limit:,.0f} calls/s; "
          "share = calls/s / limit. delivered: distinct bodies the sandbox stored; "
          "duplicates: bodies it stored more than once (summed over the rounds).")
    if quick:
        print("targets: not judged on a --quick run (a few waves of requests measure the "
              "start, not the rate)")
        return
    taptalk = [n for n in order if n.startswith("taptalk")]
    peers = [n for n in order if not n.startswith(("taptalk", "reference"))]

    def rate(name):
        return statistics.median(r["rate"] for r in rows[name])
    for name in taptalk:
        share = rate(name) / limit
        ahead = all(rate(name) > rate(p) for p in peers) if peers else None
        verdict = "met" if share >= 0.9 and ahead is not False else "NOT met"
        vs = (", ahead of " + " and ".join(peers)) if ahead else (
            "" if ahead is None else ", NOT ahead of every peer")
        print(f"  [{verdict:^7}] {name}: {100 * share:.0f}% of the limit (target >= 90%){vs}")


if __name__ == "__main__":
    main(*sys.argv[1:5])
