"""Between the runs of ``bench/run.sh``: vacuum and checkpoint, set the door tickets, check a rush.

    python bench/settle.py                                      # VACUUM ANALYZE what changed + CHECKPOINT
    python bench/settle.py --door-events 2005,2006 --door-state going       # ... after resetting the door
    python bench/settle.py rush-check --event-id N              # seats sold, counters, tickets (one JSON line)
    python bench/settle.py pay-check --event-id N               # the paid rush: holds, orders, tickets, ledger

Only asyncpg is imported (this runs before every measured run, so it starts fast). Reads DATABASE_URL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import asyncpg

TABLES = ("members", "otp_challenges", "events", "tickets", "join_requests", "invitations", "payment_orders")


def _dsn() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url:
        sys.exit("settle.py: DATABASE_URL must name the bench database")
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def settle(door_events: list[int], door_state: str | None) -> None:
    """The last run's churn vacuumed and everything on disk, so no run pays for the previous one.

    ``door_state``: every door ticket ``going`` (a fresh door: each scan checks a guest in) or ``checked_in``
    (every scan a repeat).
    """
    conn = await asyncpg.connect(_dsn())
    try:
        if door_state == "going":
            await conn.execute(
                "UPDATE tickets SET status = 'going', checked_in_at = NULL, checked_out_at = NULL "
                "WHERE event_id = ANY($1::bigint[]) AND status <> 'going'",
                door_events,
            )
        elif door_state == "checked_in":
            await conn.execute(
                "UPDATE tickets SET status = 'checked_in', checked_in_at = now(), checked_out_at = NULL "
                "WHERE event_id = ANY($1::bigint[]) AND status <> 'checked_in'",
                door_events,
            )
        for table in TABLES:
            await conn.execute(f"VACUUM ANALYZE {table}")
        if os.environ.get("BENCH_CHECKPOINT", "1") != "0":  # QUICK runs skip it: slow on a busy disk
            await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


async def rush_check(event_id: int) -> None:
    """One line for report.py: capacity, going_count, seats and tickets held, as the database has them."""
    conn = await asyncpg.connect(_dsn())
    try:
        event = await conn.fetchrow("SELECT max_capacity, seats_taken FROM events WHERE id = $1", event_id)
        held = await conn.fetchrow(
            "SELECT count(*) AS tickets, coalesce(sum(seats), 0) AS seats FROM tickets "
            "WHERE event_id = $1 AND status <> 'cancelled'",
            event_id,
        )
    finally:
        await conn.close()
    if event is None:
        sys.exit(f"settle.py: no event {event_id}")
    print(
        f'RUSH_CHECK {{"capacity":{event["max_capacity"]},"going_count":{event["seats_taken"]},'
        f'"tickets":{held["tickets"]},"seats_held":{held["seats"]}}}'
    )


async def pay_check(event_id: int) -> None:
    """One line for report.py after the paid rush and its callbacks: seats held and taken, orders by status,
    tickets, ledger captures and whether every capture balances."""
    conn = await asyncpg.connect(_dsn())
    try:
        event = await conn.fetchrow(
            "SELECT max_capacity, seats_taken, seats_held FROM events WHERE id = $1", event_id
        )
        orders = dict(
            await conn.fetch(
                "SELECT status, count(*) FROM payment_orders WHERE event_id = $1 GROUP BY status", event_id
            )
        )
        tickets = await conn.fetchval(
            "SELECT count(*) FROM tickets WHERE event_id = $1 AND status <> 'cancelled'", event_id
        )
        captures, unbalanced = await conn.fetchrow(
            "SELECT count(*), count(*) FILTER (WHERE total <> 0) FROM (SELECT t.id, sum(e.amount) AS total "
            "FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id "
            "WHERE t.event_id = $1 GROUP BY t.id) AS per_transaction",
            event_id,
        )
    finally:
        await conn.close()
    if event is None:
        sys.exit(f"settle.py: no event {event_id}")
    print(
        f'PAY_CHECK {{"capacity":{event["max_capacity"]},"seats_taken":{event["seats_taken"]},'
        f'"seats_held":{event["seats_held"]},"created":{orders.get("created", 0)},"paid":{orders.get("paid", 0)},'
        f'"tickets":{tickets},"captures":{captures},"unbalanced":{unbalanced}}}'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--door-events", default="", help="comma-separated door event ids")
    parser.add_argument("--door-state", choices=("going", "checked_in"))
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("rush-check")
    check.add_argument("--event-id", type=int, required=True)
    pay = sub.add_parser("pay-check")
    pay.add_argument("--event-id", type=int, required=True)
    args = parser.parse_args()
    if args.command == "rush-check":
        asyncio.run(rush_check(args.event_id))
    elif args.command == "pay-check":
        asyncio.run(pay_check(args.event_id))
    else:
        asyncio.run(settle([int(i) for i in args.door_events.split(",") if i], args.door_state))


if __name__ == "__main__":
    main()
