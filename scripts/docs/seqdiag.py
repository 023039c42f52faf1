"""Draws a sequence diagram from a small text file with matplotlib (scripts/test-docs.sh).

    python seqdiag.py IN.seq OUT.svg

The format, one item per line (``#`` starts a comment):
    participants: A | B | C
    A -> B: a request
    B --> A: a reply (dashed)
    A -> A: a step of A's own
    note B: text beside B's lifeline
Graphviz has no sequence diagrams; this keeps them as text in the repository all the same.
"""

from __future__ import annotations

import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# Reproducible SVGs: no random ids, no date.
matplotlib.rcParams["svg.hashsalt"] = "taptalk-docs"
matplotlib.rcParams["svg.fonttype"] = "none"


def parse(path: str):
    participants, steps = [], []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("participants:"):
                participants = [p.strip() for p in line.split(":", 1)[1].split("|")]
            elif line.startswith("note "):
                who, text = line[5:].split(":", 1)
                steps.append(("note", who.strip(), who.strip(), text.strip()))
            else:
                arrow = "-->" if "-->" in line else "->"
                left, rest = line.split(arrow, 1)
                right, label = rest.split(":", 1)
                steps.append((arrow, left.strip(), right.strip(), label.strip()))
    for kind, a, b, _ in steps:
        for who in (a, b):
            if who not in participants:
                raise SystemExit(f"{path}: {who!r} is not a participant")
    return participants, steps


def draw(participants, steps, out: str) -> None:
    gap, row = 3.6, 0.62
    width = gap * (len(participants) - 1) + 3.0
    height = row * (len(steps) + 2) + 0.6
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(-1.5, width - 1.5)
    ax.set_ylim(-height + 0.3, 0.6)
    ax.axis("off")
    x = {p: i * gap for i, p in enumerate(participants)}
    bottom = -row * (len(steps) + 1)
    for p in participants:
        ax.plot([x[p], x[p]], [0, bottom], color="#99aabb", lw=1, zorder=0)
        for y in (0, bottom):
            ax.text(x[p], y, p, ha="center", va="center", fontsize=9,
                    bbox=dict(boxstyle="round,pad=0.4", fc="#eef3fb", ec="#5577aa"))
    for i, (kind, a, b, label) in enumerate(steps):
        y = -row * (i + 1)
        text = "\n".join(textwrap.wrap(label, 48))
        if kind == "note":
            ax.text(x[a] + 0.15, y, text, ha="left", va="center", fontsize=7.5,
                    bbox=dict(boxstyle="round,pad=0.3", fc="#fff8dd", ec="#ccaa55"))
        elif a == b:
            ax.annotate("", xy=(x[a] + 0.05, y - 0.18), xytext=(x[a] + 0.05, y + 0.12),
                        arrowprops=dict(arrowstyle="->", connectionstyle="arc3,rad=-1.2",
                                        color="#334455"))
            ax.text(x[a] + 0.5, y, text, ha="left", va="center", fontsize=7.5)
        else:
            ax.annotate("", xy=(x[b], y), xytext=(x[a], y),
                        arrowprops=dict(arrowstyle="-|>", color="#334455",
                                        linestyle="--" if kind == "-->" else "-"))
            ax.text((x[a] + x[b]) / 2, y + 0.07, text, ha="center", va="bottom", fontsize=7.5)
    fmt = out.rsplit(".", 1)[-1]
    fig.savefig(out, format=fmt, bbox_inches="tight", dpi=110,
                metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)


if __name__ == "__main__":
    draw(*parse(sys.argv[1]), sys.argv[2])
