"""Turns the wrk results of ``bench/run.sh`` into the Markdown table; exits 1 when a run was not clean.

    python bench/report.py <raw dir> <output.md> <header line>...

Reads the wrk outputs ``<raw dir>/<scenario>.<target>.txt`` (target ``api`` or ``floor``; ``.warmup.txt`` for the
warm-up runs) and their ``BENCH_JSON`` lines printed by ``bench/lua/report.lua``. Not clean: any non-2xx response,
socket error or timeout (measured or warm-up), or a missing result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCENARIOS = [
    ("verify-otp", "POST /api/auth/verify-otp"),
    ("profile", "GET /api/auth/profile"),
]


def parse_wrk(path: Path) -> dict[str, Any] | None:
    """The ``BENCH_JSON`` object of one wrk output, with ``first_error`` from ``BENCH_FIRST_ERROR``."""
    if not path.is_file():
        return None
    result: dict[str, Any] | None = None
    first_error = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("BENCH_JSON "):
            result = json.loads(line.removeprefix("BENCH_JSON "))
        elif line.startswith("BENCH_FIRST_ERROR "):
            first_error = line.removeprefix("BENCH_FIRST_ERROR ")
    if result is not None:
        result["first_error"] = first_error
    return result


def _load(raw: Path, scenario: str, target: str) -> dict[str, Any] | None:
    return parse_wrk(raw / f"{scenario}.{target}.txt")


def _errors(result: dict[str, Any]) -> int:
    errors = result["errors"]
    return sum(int(v) for k, v in errors.items() if k != "status")


def main() -> int:
    raw, output, *header = sys.argv[1:]
    raw_dir = Path(raw)
    lines = [*header, ""]
    lines.append("| scenario | req/s | p50 ms | p99 ms | non-2xx | floor req/s | floor p50 | floor p99 | ratio |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    problems: list[str] = []
    details: list[str] = []
    for scenario, label in SCENARIOS:
        api, floor = _load(raw_dir, scenario, "api"), _load(raw_dir, scenario, "floor")
        for target in ("api", "floor"):
            warm = _load(raw_dir, scenario, f"{target}.warmup")
            if warm is not None and (int(warm["non2xx"]) or _errors(warm)):
                problems.append(
                    f"{scenario} ({target} warm-up): {warm['non2xx']} non-2xx, socket errors {warm['errors']}"
                    + (f"; first: {warm['first_error']}" if warm.get("first_error") else "")
                )
        for target, result in (("api", api), ("floor", floor)):
            if result is None:
                problems.append(f"{scenario} ({target}): no result")
                continue
            if int(result["non2xx"]) or _errors(result):
                problems.append(
                    f"{scenario} ({target}): {result['non2xx']} non-2xx, socket errors {result['errors']}"
                    + (f"; first: {result['first_error']}" if result.get("first_error") else "")
                )
            details.append(
                f"- {scenario} {target}: {result['requests']} requests in {float(result['duration_s']):.1f} s, "
                f"mean {float(result['mean_ms']):.2f} ms, p90 {float(result['p90_ms']):.2f} ms, "
                f"max {float(result['max_ms']):.1f} ms, non-2xx {result['non2xx']}, errors {result['errors']}"
            )
        if api is None or floor is None:
            lines.append(f"| {label} | – | – | – | – | – | – | – | – |")
            continue
        ratio = float(api["rps"]) / float(floor["rps"]) if float(floor["rps"]) else 0.0
        lines.append(
            f"| {label} | {float(api['rps']):,.0f} | {float(api['p50_ms']):.2f} | {float(api['p99_ms']):.2f} "
            f"| {int(api['non2xx']) + _errors(api)} "
            f"| {float(floor['rps']):,.0f} | {float(floor['p50_ms']):.2f} | {float(floor['p99_ms']):.2f} "
            f"| {ratio:.2f} |"
        )
    lines += [
        "",
        "ratio = API req/s ÷ floor req/s (1.00 = no cost over the bare-Litestar floor"
        " doing the same SQL/Redis work).",
        "non-2xx counts non-2xx responses plus socket errors and timeouts; any of them fails the run.",
        "",
        *details,
    ]
    if problems:
        lines += ["", "**FAILED**:", *(f"- {p}" for p in problems)]
    text = "\n".join(lines) + "\n"
    Path(output).write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    if problems:
        sys.stderr.write("bench: FAILED: " + "; ".join(problems) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
