"""The callback step of the paid rush: for every order the rush left open on an event, the buyer "pays" in the
sandbox (its record goes to Redis, as the sandbox page's "Pay" would write it) and the signed success notice
PayU would post to ``surl`` is written, form-encoded, one per line, for ``bench/lua/rush.lua callback``.

    python bench/pay_notices.py --event-id N --base-url http://127.0.0.1:18080 --out pay.callbacks.api.txt

Reads DATABASE_URL, REDIS_URL and SECRET_KEY like the servers (the sandbox's salt derives from SECRET_KEY), and
builds the checkout form with the API's own ``checkout_request`` and ``SandboxGateway`` (so the floor, which
checks the same signatures, is driven by the very same notices).
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import asyncpg
from redis.asyncio import Redis

from loopin.adapters.payments.sandbox import RedisSandboxRecords, SandboxGateway
from loopin.entrypoints.settings import load_settings
from loopin.usecases.payments.ports import CheckoutRequest


async def notices(event_id: int, base_url: str) -> list[str]:
    settings = load_settings()
    redis = Redis.from_url(settings.redis_url or "")
    sandbox = SandboxGateway(settings.derived_key("payu-sandbox").hex()[:32], RedisSandboxRecords(redis))
    conn = await asyncpg.connect((settings.database_url or "").replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch(
            "SELECT o.order_id, o.amount, o.member_id, m.name, m.phone_number, e.title FROM payment_orders o "
            "JOIN members m ON m.id = o.member_id JOIN events e ON e.id = o.event_id "
            "WHERE o.event_id = $1 AND o.status = 'created' ORDER BY o.id",
            event_id,
        )
    finally:
        await conn.close()
    lines = []
    for row in rows:
        checkout = sandbox.checkout(
            CheckoutRequest(
                txnid=row["order_id"],
                amount=row["amount"],
                productinfo=f"Event Ticket: {row['title']}",
                firstname=row["name"],
                email=f"member-{row['member_id']}@{settings.payu_email_domain}",
                phone=row["phone_number"],
                base_url=base_url,
            )
        )
        paid = await sandbox.complete(checkout.fields, pay=True)
        lines.append(urlencode(dict(paid.fields)))
    await redis.aclose()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--event-id", type=int, required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    lines = asyncio.run(notices(args.event_id, args.base_url))
    args.out.write_text("\n".join(lines) + "\n", encoding="ascii")
    print(f"pay_notices: {len(lines)} success notices for event {args.event_id} ({datetime.now(UTC):%H:%M:%S})")


if __name__ == "__main__":
    main()
