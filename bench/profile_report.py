"""Where the API's CPU goes, per scenario, from py-spy's collapsed stacks (`PROFILE=1 make bench`).

Each input file is `py-spy record --format raw` of the API's worker processes during one scenario's measured
run: one line per distinct stack, `frame;frame;...;frame count`, each frame `function (file:line)`. Samples
are of threads running Python (idle threads are not recorded), so a share is a share of the CPU the API's
Python spent.

Two views per scenario:
- *self*: the sample's innermost frame, by package (where the instructions ran: msgspec encoding, asyncpg's
  protocol, SQLAlchemy's compiler...);
- *inside*: samples with at least one frame of the package anywhere on the stack (how much of the work happens
  under it: e.g. everything under dishka's container, under a use case of ours, under SQLAlchemy).

    python bench/profile_report.py bench/results/profiles/*.txt > bench/results/profiles.md
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

PROCESS = re.compile(r'^process (?P<pid>\d+):"(?P<cmd>[^"]*)";')
PLUMBING = {"uvicorn", "multiprocessing", "asyncio", "<frozen>", "threading", "runpy", "click", "loopin", "other"}
FRAME = re.compile(r"\((?P<file>[^():]+):\d+\)$")
OURS = re.compile(r"^loopin/(?P<layer>domain|usecases|adapters|entrypoints)/(?P<rest>[^/]+)")
SHOWN = 14  # rows per view


def package(frame: str) -> str:
    """`loopin.<layer>.<context>` for our code, else the top module of the file as py-spy names it (relative to
    the import path: `sqlalchemy`, `asyncpg`, `asyncio`, `msgspec`...), `<frozen>` for frozen modules."""
    found = FRAME.search(frame)
    if not found:
        return "other"
    path = found["file"]
    if path.startswith("<"):
        return "<frozen>"
    if ours := OURS.search(path):
        return f"loopin.{ours['layer']}.{ours['rest'].removesuffix('.py')}"
    return path.split("/", 1)[0].removesuffix(".py")


def read(path: Path) -> tuple[Counter[str], Counter[str], int]:
    """Only the worker processes' samples when the server has workers (its supervisor does no request work)."""
    own: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    total = 0
    samples = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        command = ""
        while process := PROCESS.match(stack):  # a worker's stack starts with its parent's process frame
            command, stack = process["cmd"], stack[process.end() :]
        samples.append((command, stack, int(count)))
    workers = any("spawn_main" in command for command, _, _ in samples)
    for command, stack, n in samples:
        if workers and "spawn_main" not in command:
            continue
        frames = [f for f in stack.split(";") if not f.startswith("thread ")]
        if not frames:
            continue
        total += n
        own[package(frames[-1])] += n
        for name in {package(f) for f in frames}:
            inside[name] += n
    return own, inside, total


def table(title: str, counts: Counter[str], total: int) -> list[str]:
    rows = [f"| {title} | share |", "|---|---:|"]
    rows += [f"| `{name}` | {100 * n / total:.1f} % |" for name, n in counts.most_common(SHOWN)]
    return rows


def under_some(inside: Counter[str], total: int) -> tuple[Counter[str], list[str]]:
    """The *inside* view without the server's plumbing (uvicorn, the event loop, process start-up), which is
    under everything, and without what is on every stack."""
    always = sorted(name for name, n in inside.items() if n >= 0.995 * total and name not in PLUMBING)
    kept = {name: n for name, n in inside.items() if name not in always and name not in PLUMBING}
    return Counter(kept), always


def main(paths: list[str]) -> None:
    out = ["# Where the API's CPU goes (py-spy, per scenario)", ""]
    for name in paths:
        path = Path(name)
        own, inside, total = read(path)
        if not total:
            continue
        out += [f"## {path.stem} — {total:,} samples", ""]
        out += [*table("self (innermost frame)", own, total), ""]
        some, always = under_some(inside, total)
        out += table("inside (anywhere on the stack)", some, total)
        out += [f"\nOn every stack: {', '.join(f'`{a}`' for a in always) or 'nothing'}.", ""]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
