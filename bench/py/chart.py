"""Draws bench/run's table as a chart: calls per second of each contender (taptalk's rows
in blue, what users would write instead in grey), with the median latency
printed on each bar.

    python3 chart.py RESULTS_FILE OUT.svg|OUT.png

bench/run calls it after the table when matplotlib can be imported (its venv installs it
on a full run); scripts/test-docs.sh draws the book's chart from bench/results/current.tsv.
Validation-only and diagnostic rows are left out: they measure no round trip.
"""
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "taptalk-bench"
matplotlib.rcParams["svg.fonttype"] = "none"


def rows(path):
    out, note = [], ""
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "RESULT" and len(parts) == 7:
                name = parts[1]
                if "validation only" in name or "(diag.)" in name:
                    continue
                out.append((name, int(parts[4]) / 1000.0, float(parts[6])))
            elif parts[0] == "NOTE" and not note:
                note = parts[1]
    return out, note


def main(path, target):
    data, note = rows(path)
    if not data:
        raise SystemExit(f"chart.py: no RESULT rows in {path}")
    data = data[::-1]  # matplotlib draws the first bar at the bottom
    fig, ax = plt.subplots(figsize=(8, 0.34 * len(data) + 1.4))
    names = [d[0] for d in data]
    colors = ["#3366aa" if n.startswith("taptalk") else "#aaaaaa" for n in names]
    bars = ax.barh(names, [d[2] for d in data], color=colors)
    for bar, (_, median, _) in zip(bars, data):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f"  {median:.1f} us median",
                va="center", fontsize=7.5)
    ax.set_xlabel("calls per second, one SendTalk send per call over keep-alive (higher is better)")
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlim(0, max(d[2] for d in data) * 1.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if note:
        fig.text(0.01, -0.02, "\n".join(textwrap.wrap(note, 140)), fontsize=6, color="#666666",
                 va="top")
    fmt = target.rsplit(".", 1)[-1]
    fig.savefig(target, format=fmt, bbox_inches="tight", dpi=110,
                metadata={"Date": None} if fmt == "svg" else None)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
