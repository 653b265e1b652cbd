"""Turns the wrk results of ``bench/run.sh`` into the Markdown table; exits 1 when a run was not clean.

    python bench/report.py <raw dir> <output.md> <header line>...

Reads the wrk outputs ``<raw dir>/<scenario>.<target>.txt`` (target ``api`` or ``floor``; ``.warmup.txt`` for the
warm-up runs) and their ``BENCH_JSON`` lines printed by ``bench/lua/report.lua``. Not clean: any non-2xx response,
socket error or timeout (measured or warm-up), or a result missing for one server of a scenario that ran.

The rush (``rush.<target>.txt`` from ``bench/lua/rush.lua`` and ``rush.<target>.check.txt`` from
``bench/seed_events.py rush-check``) has its own table: refusals are expected there (4xx), so it is clean when
every guest got an answer, none a 5xx or a socket error, the tickets sold exactly the seats (counted in seats, by
the database), ``going_count`` equals the seats held, and every answer was a ticket or a 4xx.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCENARIOS = [
    ("verify-otp", "POST /api/auth/verify-otp"),
    ("profile", "GET /api/auth/profile"),
    ("feed-cold", "GET /api/events (feed), cache off"),
    ("feed-cached", "GET /api/events (feed), cached"),
    ("feed20-cold", "GET /api/events?limit=20, cache off"),
    ("feed20-cached", "GET /api/events?limit=20, cached"),
    ("detail-cold", "GET /api/events/{id}, cache off"),
    ("detail-cached", "GET /api/events/{id}, cached"),
    ("door", "POST /api/events/{id}/check-in (door)"),
    ("door-repeat", "POST …/check-in, repeated scans"),
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


def _rush_check(raw: Path, target: str) -> dict[str, Any] | None:
    path = raw / f"rush.{target}.check.txt"
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("RUSH_CHECK "):
            found: dict[str, Any] = json.loads(line.removeprefix("RUSH_CHECK "))
            return found
    return None


def rush_section(raw: Path, problems: list[str], details: list[str]) -> list[str]:
    """The rush table (empty when the rush did not run), its checks into ``problems``."""
    runs = {t: parse_wrk(raw / f"rush.{t}.txt") for t in ("api", "floor")}
    if all(r is None for r in runs.values()):
        return []
    lines = [
        "",
        "Rush: every guest confirms once, as fast as the connections allow; refusals are the expected 4xx.",
        "",
        "| server | guests | seats | confirmations/s | p50 ms | p99 ms | burst s | tickets (2xx) "
        "| seats sold | going_count | 4xx | 5xx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rates: dict[str, float] = {}
    for target in ("api", "floor"):
        warm = parse_wrk(raw / f"rush.{target}.warmup.txt")
        if warm is not None:
            bad = sum(n for s, n in warm.get("statuses", {}).items() if int(s) >= 500)
            if bad:
                problems.append(f"rush ({target} warm-up): {bad} 5xx")
        run, check = runs[target], _rush_check(raw, target)
        if run is None or check is None:
            problems.append(f"rush ({target}): no result")
            continue
        statuses = {int(k): int(v) for k, v in run.get("statuses", {}).items()}
        ok = sum(n for s, n in statuses.items() if 200 <= s <= 299)
        refused = sum(n for s, n in statuses.items() if 400 <= s <= 499)
        failed = sum(n for s, n in statuses.items() if s >= 500 or s < 200 or 300 <= s <= 399)
        guests, answered = int(run["guests"]), sum(statuses.values())
        burst = float(run["burst_ms"]) / 1000
        rates[target] = guests / burst if burst > 0 else 0.0
        if answered != guests:  # socket errors alone are idle connections closed after their answer
            problems.append(f"rush ({target}): {answered} of {guests} answered, socket errors {run['errors']}")
        if failed:
            problems.append(f"rush ({target}): {failed} answers neither a ticket nor a 4xx: {statuses}")
        if check["seats_held"] != check["capacity"]:
            problems.append(f"rush ({target}): {check['seats_held']} seats sold for {check['capacity']} seats")
        if check["going_count"] != check["seats_held"]:
            problems.append(f"rush ({target}): going_count {check['going_count']} != {check['seats_held']} held")
        if check["tickets"] != ok:
            problems.append(f"rush ({target}): {ok} tickets answered but {check['tickets']} stored")
        lines.append(
            f"| {target} | {guests:,} | {check['capacity']} | {rates[target]:,.0f} | {float(run['p50_ms']):.0f} "
            f"| {float(run['p99_ms']):.0f} | {burst:.1f} | {ok} | {check['seats_held']} | {check['going_count']} "
            f"| {refused} | {failed} |"
        )
        samples = "; ".join(f"{s}: {text[:160]}" for s, text in sorted(run.get("samples", {}).items()))
        sockets = {k: v for k, v in run["errors"].items() if k != "status"}
        details.append(f"- rush {target}: statuses {statuses}, socket errors {sockets}; first answers: {samples}")
    if rates.get("floor"):
        lines += ["", f"rush ratio (API ÷ floor confirmations/s): {rates.get('api', 0.0) / rates['floor']:.2f}"]
    return lines


def _pay_check(raw: Path, name: str) -> dict[str, Any] | None:
    path = raw / name
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("PAY_CHECK "):
            found: dict[str, Any] = json.loads(line.removeprefix("PAY_CHECK "))
            return found
    return None


def _burst(run: dict[str, Any]) -> tuple[dict[int, int], int, float]:
    statuses = {int(k): int(v) for k, v in run.get("statuses", {}).items()}
    return statuses, int(run["guests"]), float(run["burst_ms"]) / 1000


def pay_section(raw: Path, problems: list[str], details: list[str]) -> list[str]:
    """The paid rush (orders) and its callbacks; checks into ``problems``."""
    runs = {t: parse_wrk(raw / f"pay.{t}.txt") for t in ("api", "floor")}
    if all(r is None for r in runs.values()):
        return []
    lines = [
        "",
        "Paid rush: every buyer orders once (`POST /api/payments/orders`), as fast as the connections allow; "
        "refusals are the expected 400 CAPACITY_FULL. Then PayU's success callback of every order held, once "
        "each.",
        "",
        "| server | buyers | seats | orders/s | p50 ms | p99 ms | burst s | 201 | 4xx | 5xx | seats held |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    callback_lines = [
        "",
        "| server | callbacks | callbacks/s | p50 ms | p99 ms | burst s | 303 | other | tickets | ledger captures "
        "| seats taken / held |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rates: dict[str, float] = {}
    callback_rates: dict[str, float] = {}
    for target in ("api", "floor"):
        run, held = runs[target], _pay_check(raw, f"pay.{target}.held.txt")
        callbacks, check = parse_wrk(raw / f"paycb.{target}.txt"), _pay_check(raw, f"pay.{target}.check.txt")
        if run is None or held is None or callbacks is None or check is None:
            problems.append(f"pay ({target}): no result")
            continue
        statuses, buyers, burst = _burst(run)
        created = sum(n for s, n in statuses.items() if s == 201)
        refused = sum(n for s, n in statuses.items() if 400 <= s <= 499)
        failed = sum(n for s, n in statuses.items() if s >= 500 or s < 200 or (s != 201 and s < 400))
        rates[target] = buyers / burst if burst > 0 else 0.0
        if sum(statuses.values()) != buyers:
            problems.append(f"pay ({target}): {sum(statuses.values())} of {buyers} answered")
        if failed:
            problems.append(f"pay ({target}): {failed} answers neither an order nor a 4xx: {statuses}")
        if held["seats_held"] != held["capacity"] or created != held["capacity"]:
            problems.append(f"pay ({target}): {created} orders, {held['seats_held']} held for {held['capacity']}")
        lines.append(
            f"| {target} | {buyers:,} | {held['capacity']} | {rates[target]:,.0f} | {float(run['p50_ms']):.0f} "
            f"| {float(run['p99_ms']):.0f} | {burst:.1f} | {created} | {refused} | {failed} "
            f"| {held['seats_held']} |"
        )
        cb_statuses, sent, cb_burst = _burst(callbacks)
        redirected = cb_statuses.get(303, 0)
        callback_rates[target] = sent / cb_burst if cb_burst > 0 else 0.0
        if redirected != sent:
            problems.append(f"pay callbacks ({target}): {cb_statuses}")
        expected = held["capacity"]
        if (check["paid"], check["tickets"], check["captures"], check["seats_taken"], check["seats_held"]) != (
            expected,
            expected,
            expected,
            expected,
            0,
        ) or check["unbalanced"]:
            problems.append(f"pay callbacks ({target}): after the callbacks {check}")
        callback_lines.append(
            f"| {target} | {sent:,} | {callback_rates[target]:,.0f} | {float(callbacks['p50_ms']):.0f} "
            f"| {float(callbacks['p99_ms']):.0f} | {cb_burst:.1f} | {redirected} | {sent - redirected} "
            f"| {check['tickets']} | {check['captures']} | {check['seats_taken']} / {check['seats_held']} |"
        )
        samples = "; ".join(f"{s}: {text[:160]}" for s, text in sorted(run.get("samples", {}).items()))
        details.append(
            f"- pay {target}: order statuses {statuses}; callbacks {cb_statuses}; first answers: {samples}"
        )
    lines += callback_lines
    if rates.get("floor") and callback_rates.get("floor"):
        lines += [
            "",
            f"pay ratios (API ÷ floor): orders/s {rates.get('api', 0.0) / rates['floor']:.2f}, "
            f"callbacks/s {callback_rates.get('api', 0.0) / callback_rates['floor']:.2f}",
        ]
    return lines


def raw_floor(raw: Path, problems: list[str], details: list[str]) -> tuple[float, list[str]]:
    """The raw floor's req/s (the mean of its runs, one per phase) and its lines for the report."""
    runs = []
    for phase in ("on", "off"):
        result = parse_wrk(raw / f"raw.{phase}.txt")
        if result is None:
            continue
        if int(result["non2xx"]) or _errors(result):
            problems.append(f"raw floor ({phase}): {result['non2xx']} non-2xx, socket errors {result['errors']}")
        runs.append(result)
        details.append(
            f"- raw floor ({phase}): {float(result['rps']):,.0f} req/s, p50 {float(result['p50_ms']):.2f} ms, "
            f"p99 {float(result['p99_ms']):.2f} ms"
        )
    if not runs:
        return 0.0, []
    rps = sum(float(r["rps"]) for r in runs) / len(runs)
    spread = ", ".join(f"{float(r['rps']):,.0f}" for r in runs)
    return rps, [
        f"Raw floor (`bench/raw_floor_app.py`: bare Litestar + asyncpg, one query returning 20 event rows, no "
        f"ORM, no auth): **{rps:,.0f} req/s** (runs: {spread}).",
        "",
    ]


def latency_section(raw: Path, problems: list[str]) -> list[str]:
    """The API's cached reads at a light load (``LATENCY_CONNECTIONS``): the p99 budget of the issue."""
    found = [(label, parse_wrk(raw / f"{scenario}.api.latency.txt")) for scenario, label in SCENARIOS]
    rows = [(label, r) for label, r in found if r is not None]
    if not rows:
        return []
    lines = ["", "| API at light load | req/s | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for label, r in rows:
        if int(r["non2xx"]) or _errors(r):
            problems.append(f"{label} (latency run): {r['non2xx']} non-2xx, socket errors {r['errors']}")
        lines.append(f"| {label} | {float(r['rps']):,.0f} | {float(r['p50_ms']):.2f} | {float(r['p99_ms']):.2f} |")
    return lines


def main() -> int:
    raw, output, *header = sys.argv[1:]
    raw_dir = Path(raw)
    problems: list[str] = []
    details: list[str] = []
    raw_rps, raw_lines = raw_floor(raw_dir, problems, details)
    lines = [*header, "", *raw_lines]
    lines.append(
        "| scenario | req/s | p50 ms | p99 ms | non-2xx | floor req/s | floor p50 | floor p99 | ÷ same-work "
        "| ÷ raw |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scenario, label in SCENARIOS:
        api, floor = _load(raw_dir, scenario, "api"), _load(raw_dir, scenario, "floor")
        if api is None and floor is None:
            continue  # not selected
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
            lines.append(f"| {label} | – | – | – | – | – | – | – | – | – |")
            continue
        ratio = float(api["rps"]) / float(floor["rps"]) if float(floor["rps"]) else 0.0
        to_raw = f"{float(api['rps']) / raw_rps:.2f}" if raw_rps else "–"
        lines.append(
            f"| {label} | {float(api['rps']):,.0f} | {float(api['p50_ms']):.2f} | {float(api['p99_ms']):.2f} "
            f"| {int(api['non2xx']) + _errors(api)} "
            f"| {float(floor['rps']):,.0f} | {float(floor['p50_ms']):.2f} | {float(floor['p99_ms']):.2f} "
            f"| {ratio:.2f} | {to_raw} |"
        )
    lines += latency_section(raw_dir, problems)
    lines += rush_section(raw_dir, problems, details)
    lines += pay_section(raw_dir, problems, details)
    lines += [
        "",
        "÷ same-work = API req/s ÷ floor req/s (1.00 = no cost over the bare-Litestar floor doing the same "
        "SQL/Redis work); ÷ raw = API req/s ÷ the raw floor's req/s (the machine's limit for one query).",
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
