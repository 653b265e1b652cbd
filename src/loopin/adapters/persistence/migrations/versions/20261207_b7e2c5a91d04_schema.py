"""Schema baseline: every table, index, constraint, trigger and seed row, as one revision.

A pre-launch squash of the fifteen revisions written from 2026-11-25 to 2026-12-07 (8d1a0bb718a9 to
b7e2c5a91d04), before any database outside development existed. It keeps the last revision's id, so a database
already at b7e2c5a91d04 is at head and needs nothing. A database at an older revision cannot be upgraded (Alembic
answers "Can't locate revision identified by ..."): rebuild it, which loses its data — drop and create the
database (``docker-compose down -v`` for the compose one), then ``loopin db upgrade`` (``make migrate``).

Built the same as by the old chain (the ``pg_dump -s`` of both is identical): a later change stands in the
table it changed, and columns that came later stay last. Names come from the models' naming convention
(``pk_``, ``uq_``, ``fk_``, ``ck_<table>_...``) as in ``adapters/persistence/orm``; indexes are named here.
Gone: the audit chain's backfill of ``seq`` and ``recorded_at`` for entries written before the chain (none can
exist on a fresh database). ``ck_audit_entries_sealed`` stays ``NOT VALID``, as in the databases the chain
built, which may hold such entries (``loopin audit verify`` counts them as unsealed).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from loopin.domain.identity.interest import SEED_INTERESTS, slugify

revision = "b7e2c5a91d04"
down_revision = None

TIMESTAMP = sa.DateTime(timezone=True)
JSONB = postgresql.JSONB()

LEDGER_FUNCTIONS = [
    """
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END $$
""",
    """
CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total numeric;
BEGIN
    SELECT COALESCE(SUM(amount), 0) INTO total FROM ledger_entries WHERE transaction_id = NEW.transaction_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total;
    END IF;
    RETURN NULL;
END $$
""",
]

LEDGER_TRIGGERS = [
    """CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()""",
    """CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced()""",
]

AUDIT_APPEND_ONLY = ("audit_entries", "audit_days", "audit_day_actions")

AUDIT_REFUSE_CHANGE = """
CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END $$
"""

# Every table, a table before those that reference it; downgrade drops them in reverse.
TABLES = (
    *("event_interests", "members", "otp_challenges"),
    *("venues", "events", "host_leads"),
    *("invitations", "join_requests", "tickets", "waitlist_places", "reminders_sent"),
    *("payment_notices", "platform_fee_config", "payment_orders"),
    *("bank_accounts", "payout_hosts", "payout_requests"),
    *("ledger_transactions", "ledger_entries", "refunds"),
    *("devices", "notifications", "notification_preferences", "campaigns", "campaign_recipients"),
    *("audit_entries", "audit_days", "audit_day_actions"),
    "outbox",
)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True)


def _timestamps() -> tuple[sa.Column[datetime], sa.Column[datetime]]:
    return sa.Column("created_at", TIMESTAMP, nullable=False), sa.Column("updated_at", TIMESTAMP, nullable=False)


def _references(
    name: str, target: str, ondelete: str | None = None, *, nullable: bool = False, index: bool = False
) -> sa.Column[int]:
    return sa.Column(
        name, sa.BigInteger(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
    )


def upgrade() -> None:
    _identity()
    _events()
    _attendance()
    _payments()
    _payouts()
    _notifications()
    _audit()
    _outbox()


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
    for function in ("audit_refuse_change", "ledger_check_balanced", "ledger_refuse_change"):
        op.execute(f"DROP FUNCTION {function}()")


def _identity() -> None:
    """Identity: members (account and profile), sign-in codes, the interests members pick (seeded)."""
    interests = op.create_table(
        "event_interests",
        _id(),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("slug", sa.String(100), nullable=False, unique=True),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        *_timestamps(),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        interests,
        [
            {"name": name, "slug": slugify(name), "is_active": True, "created_at": now, "updated_at": now}
            for name in SEED_INTERESTS
        ],
    )
    op.create_table(
        "members",
        _id(),
        sa.Column("phone_number", sa.String(16), unique=True),  # NULL once erased
        sa.Column("role", sa.String(16), server_default="member", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("name", sa.String(100), server_default="", nullable=False),
        sa.Column("birth_date", sa.Date()),
        sa.Column("gender", sa.String(24)),
        sa.Column("bio", sa.String(500), server_default="", nullable=False),
        sa.Column("location", sa.String(100), server_default="", nullable=False),
        sa.Column("interest_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        sa.Column("picture_keys", postgresql.ARRAY(sa.String(255)), server_default="{}", nullable=False),
        sa.Column("waitlisted_at", TIMESTAMP),
        sa.Column("promote_at", TIMESTAMP),
        sa.Column("password_hash", sa.String(255)),
        *_timestamps(),
        sa.CheckConstraint("(status = 'erased') = (phone_number IS NULL)", name="phone_unless_erased"),
        sa.Index(
            "ix_members_waitlist_promote_at", "promote_at", postgresql_where=sa.text("status = 'waitlisted'")
        ),
    )
    op.create_table(
        "otp_challenges",
        sa.Column("phone_number", sa.String(16), primary_key=True),
        sa.Column("code_digest", sa.String(64), nullable=False),
        sa.Column("issued_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("consumed_at", TIMESTAMP),
        sa.Column("requested_from", sa.String(64), server_default="", nullable=False),
        sa.Column("wrong_codes", postgresql.ARRAY(TIMESTAMP), server_default="{}", nullable=False),
    )


def _events() -> None:
    """Events: venues (one per place, reused), events with the seat counters attendance keeps, host leads.

    The CHECKs keep every code path from overselling: max_capacity = 0 (unlimited) or the seats taken and held
    fit in it.
    """
    op.create_table(
        "venues",
        _id(),
        sa.Column("uuid", sa.Uuid(), nullable=False, unique=True),
        sa.Column("name", sa.String(150), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("city_slug", sa.String(100), nullable=False),
        sa.Column("country_code", sa.String(2), server_default="in", nullable=False),
        sa.Column("latitude", sa.Numeric(9, 6)),
        sa.Column("longitude", sa.Numeric(9, 6)),
        sa.Column("place_id", sa.String(255)),
        sa.Column("match_key", sa.String(600), nullable=False, unique=True),
        sa.Column("venue_type", sa.String(16), server_default="indoor", nullable=False),
        sa.Column("capacity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("metadata", JSONB, server_default="{}", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _references("created_by", "members.id", "SET NULL", nullable=True),
        *_timestamps(),
        sa.Index("ix_venues_city", "country_code", "city_slug"),
        sa.Index("uq_venues_place_id", "place_id", unique=True, postgresql_where=sa.text("place_id IS NOT NULL")),
    )
    op.create_table(
        "events",
        _id(),
        sa.Column("uuid", sa.Uuid(), nullable=False, unique=True),
        sa.Column("canonical_id", sa.String(12), nullable=False, unique=True),
        _references("host_id", "members.id", "CASCADE"),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        _references("venue_id", "venues.id", "SET NULL", nullable=True, index=True),
        sa.Column("start_time", TIMESTAMP, nullable=False),
        sa.Column("end_time", TIMESTAMP, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("max_capacity", sa.Integer(), server_default="0", nullable=False),
        sa.Column("seats_taken", sa.Integer(), server_default="0", nullable=False),
        sa.Column("requests_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_paid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("ticket_price", sa.Numeric(10, 2), server_default="0", nullable=False),
        sa.Column("allow_plus_one", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("gst_number", sa.String(15), server_default="", nullable=False),
        sa.Column("allowed_genders", sa.String(16), server_default="all", nullable=False),
        sa.Column("rsvp_expiry_policy", sa.String(24), server_default="event_start", nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("is_public", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("interest_ids", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        sa.Column("cover_image_keys", postgresql.ARRAY(sa.String(255)), server_default="{}", nullable=False),
        sa.Column("deleted_at", TIMESTAMP),
        *_timestamps(),
        sa.Column("seats_held", sa.Integer(), server_default="0", nullable=False),  # open paid checkouts
        sa.CheckConstraint("max_capacity >= 0", name="max_capacity_not_negative"),
        sa.CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        sa.CheckConstraint("seats_held >= 0", name="seats_held_not_negative"),
        sa.CheckConstraint("requests_count >= 0", name="requests_count_not_negative"),
        sa.CheckConstraint(
            "max_capacity = 0 OR seats_taken + seats_held <= max_capacity", name="seats_within_capacity"
        ),
        sa.CheckConstraint("ticket_price >= 0", name="ticket_price_not_negative"),
        sa.CheckConstraint("end_time > start_time", name="ends_after_start"),
        sa.Index("ix_events_feed", "start_time", "id", postgresql_where=sa.text("deleted_at IS NULL")),
        sa.Index("ix_events_host", "host_id", "start_time"),
        sa.Index("ix_events_interest_ids", "interest_ids", postgresql_using="gin"),
    )
    op.create_table(
        "host_leads",
        _id(),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("phone_number", sa.String(16), nullable=False, unique=True),
        sa.Column("message", sa.String(1000), server_default="", nullable=False),
        sa.Column("is_contacted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("is_converted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        *_timestamps(),
    )


def _attendance() -> None:
    """Attendance: invitations, join requests, tickets, waitlist places, reminders sent.

    One invitation, join request and ticket per member and event, and one live waitlist place (an offer's seats
    count in events.seats_held); a reminder goes once. Tickets never store their code: a random nonce (the code
    is an HMAC of the ticket uuid and the nonce under a server key) and a keyed digest of the code, unique, for
    the door's lookup.
    """
    op.create_table(
        "invitations",
        _id(),
        sa.Column("uuid", sa.Uuid(), nullable=False, unique=True),
        _references("event_id", "events.id", "CASCADE"),
        _references("invitee_id", "members.id", "CASCADE"),
        _references("host_id", "members.id", "SET NULL", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.String(500), server_default="", nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("expiry_policy", sa.String(24), nullable=False),
        sa.Column("answered_at", TIMESTAMP),
        *_timestamps(),
        sa.UniqueConstraint("event_id", "invitee_id", name="uq_invitations_event_invitee"),
        sa.Index("ix_invitations_invitee", "invitee_id", "updated_at"),
        sa.Index("ix_invitations_overdue", "expires_at", postgresql_where=sa.text("status = 'pending'")),
    )
    op.create_table(
        "join_requests",
        _id(),
        sa.Column("uuid", sa.Uuid(), nullable=False, unique=True),
        _references("event_id", "events.id", "CASCADE"),
        _references("requester_id", "members.id", "CASCADE"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), server_default="", nullable=False),
        sa.Column("host_message", sa.String(500), server_default="", nullable=False),
        sa.Column("seats_requested", sa.Integer(), server_default="1", nullable=False),
        sa.Column("confirm_by", TIMESTAMP),
        sa.Column("decided_at", TIMESTAMP),
        *_timestamps(),
        sa.CheckConstraint("seats_requested BETWEEN 1 AND 10", name="seats_requested_in_range"),
        sa.UniqueConstraint("event_id", "requester_id", name="uq_join_requests_event_requester"),
        sa.Index(
            "ix_join_requests_overdue",
            "confirm_by",
            postgresql_where=sa.text("status = 'accepted' AND confirm_by IS NOT NULL"),
        ),
        sa.Index("ix_join_requests_requester", "requester_id", "updated_at"),
    )
    op.create_table(
        "tickets",
        _id(),
        sa.Column("uuid", sa.Uuid(), nullable=False, unique=True),
        _references("event_id", "events.id", "CASCADE"),
        _references("member_id", "members.id", "CASCADE"),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("secret_digest", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("payment_status", sa.String(16), nullable=False),
        sa.Column("payment_order_id", sa.String(64)),
        _references("request_id", "join_requests.id", "SET NULL", nullable=True),
        _references("invitation_id", "invitations.id", "SET NULL", nullable=True),
        sa.Column("issued_at", TIMESTAMP),
        sa.Column("checked_in_at", TIMESTAMP),
        sa.Column("checked_out_at", TIMESTAMP),
        sa.Column("cancelled_at", TIMESTAMP),
        *_timestamps(),
        sa.CheckConstraint("seats BETWEEN 1 AND 10", name="seats_in_range"),
        sa.UniqueConstraint("event_id", "member_id", name="uq_tickets_event_member"),
        sa.Index("ix_tickets_member", "member_id", "status"),
    )
    op.create_table(
        "waitlist_places",
        _id(),
        _references("event_id", "events.id", "CASCADE"),
        _references("member_id", "members.id", "CASCADE"),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("joined_at", TIMESTAMP),
        sa.Column("offered_at", TIMESTAMP),
        sa.Column("offer_expires_at", TIMESTAMP),
        sa.Column("closed_at", TIMESTAMP),
        sa.Column("payment_order_id", sa.String(64)),
        *_timestamps(),
        sa.CheckConstraint("status <> 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_window"),
        sa.CheckConstraint(
            "status IN ('waiting', 'offered', 'accepted', 'left', 'expired', 'lapsed')", name="status_known"
        ),
        sa.CheckConstraint("seats BETWEEN 1 AND 10", name="seats_in_range"),
        sa.Index("ix_waitlist_places_line", "event_id", "status", "id"),
        sa.Index("ix_waitlist_places_member", "member_id"),
        sa.Index(
            "ix_waitlist_places_offers_due", "offer_expires_at", postgresql_where=sa.text("status = 'offered'")
        ),
        sa.Index(
            "uq_waitlist_places_live",
            "event_id",
            "member_id",
            unique=True,
            postgresql_where=sa.text("status IN ('waiting', 'offered')"),
        ),
    )
    op.create_table(
        "reminders_sent",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.BigInteger(), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sent_at", TIMESTAMP, nullable=False),
    )


def _payments() -> None:
    """Payments: received notices, the fee config (one row, seeded), orders, refunds, the ledger.

    Money rows never cascade away (RESTRICT). One open and one paid order per member and event (partial unique
    indexes). The ledger is append-only (a trigger refuses UPDATE and DELETE) and each transaction's entries sum
    to zero (a deferred constraint trigger checks it at commit). Both raise plain exceptions (SQLSTATE P0001): a
    broken ledger is a bug of this service, never a client's conflict. A ledger transaction moves an order or a
    payout (its foreign key to payout_requests comes with the payouts).
    """
    op.create_table(
        "payment_notices",
        _id(),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("txnid", sa.String(64), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("details", JSONB, server_default="{}", nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Index("ix_payment_notices_txnid", "txnid"),
    )
    op.create_table(
        "platform_fee_config",
        sa.Column("id", sa.Integer(), primary_key=True),  # SERIAL, as the chain made it; only id 1 is allowed
        sa.Column("percentage", sa.Numeric(5, 2), nullable=False),
        sa.Column("description", sa.String(500), server_default="", nullable=False),
        _references("updated_by", "members.id", "SET NULL", nullable=True),
        sa.Column("updated_at", TIMESTAMP),
        sa.CheckConstraint("id = 1", name="fee_config_singleton"),
        sa.CheckConstraint("percentage >= 0 AND percentage <= 100", name="fee_percentage_in_range"),
    )
    op.execute(
        "INSERT INTO platform_fee_config (id, percentage, description) "
        "VALUES (1, 10.00, 'Default platform fee configuration (10%)')"
    )
    open_order = sa.text("status IN ('created', 'pending')")
    op.create_table(
        "payment_orders",
        _id(),
        sa.Column("order_id", sa.String(25), nullable=False, unique=True),
        sa.Column("uuid", sa.Uuid(), nullable=False, unique=True),
        _references("event_id", "events.id", "RESTRICT"),
        _references("member_id", "members.id", "RESTRICT"),
        _references("host_id", "members.id", "RESTRICT"),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("base_price", sa.Numeric(10, 2), nullable=False),
        sa.Column("fee_percentage", sa.Numeric(5, 2), nullable=False),
        sa.Column("buyer_price", sa.Numeric(12, 2), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("host_share", sa.Numeric(12, 2), nullable=False),
        sa.Column("platform_fee", sa.Numeric(12, 2), nullable=False),
        sa.Column("currency", sa.String(3), server_default="INR", nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("gateway", sa.String(16), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("gateway_payment_id", sa.String(64)),
        sa.Column("bank_ref_num", sa.String(64), server_default="", nullable=False),
        sa.Column("failure_reason", sa.String(500), server_default="", nullable=False),
        sa.Column("captured_amount", sa.Numeric(12, 2), server_default="0", nullable=False),
        sa.Column("refunded_amount", sa.Numeric(12, 2), server_default="0", nullable=False),
        sa.Column("captured_at", TIMESTAMP),
        sa.Column("closed_at", TIMESTAMP),
        sa.Column("checked_at", TIMESTAMP),
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('created', 'pending', 'paid', 'failed', 'expired', 'refunded')", name="order_status_known"
        ),
        sa.CheckConstraint("amount > 0 AND amount = host_share + platform_fee", name="order_amount_split"),
        sa.CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= captured_amount", name="order_refunds_covered"
        ),
        sa.CheckConstraint("seats BETWEEN 1 AND 10", name="order_seats_in_range"),
        sa.UniqueConstraint("gateway", "gateway_payment_id", name="uq_payment_orders_gateway_payment"),
        sa.Index("ix_payment_orders_event_overdue", "event_id", "expires_at", postgresql_where=open_order),
        sa.Index("ix_payment_orders_member", "member_id", "created_at"),
        sa.Index("ix_payment_orders_overdue", "expires_at", postgresql_where=open_order),
        sa.Index(
            "ix_payment_orders_refundable",
            "event_id",
            postgresql_where=sa.text("captured_amount > refunded_amount"),
        ),
        sa.Index(
            "ix_payment_orders_released_unpaid",
            "closed_at",
            postgresql_where=sa.text("status = 'expired' AND gateway_payment_id IS NULL"),
        ),
        sa.Index("uq_payment_orders_open", "event_id", "member_id", unique=True, postgresql_where=open_order),
        sa.Index(
            "uq_payment_orders_paid",
            "event_id",
            "member_id",
            unique=True,
            postgresql_where=sa.text("status = 'paid'"),
        ),
    )
    op.create_table(
        "ledger_transactions",
        _id(),
        sa.Column("key", sa.String(120), nullable=False, unique=True),
        sa.Column("kind", sa.String(24), nullable=False),
        _references("event_id", "events.id", "RESTRICT", nullable=True),
        _references("order_id", "payment_orders.id", "RESTRICT", nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("payout_id", sa.BigInteger()),
        sa.CheckConstraint("num_nonnulls(order_id, payout_id) = 1", name="ledger_moves_an_order_or_a_payout"),
        sa.Index("ix_ledger_transactions_event", "event_id"),
        sa.Index("ix_ledger_transactions_payout", "payout_id", postgresql_where=sa.text("payout_id IS NOT NULL")),
    )
    op.create_table(
        "refunds",
        _id(),
        _references("order_id", "payment_orders.id", "RESTRICT"),
        sa.Column("idempotency_key", sa.String(80), nullable=False, unique=True),
        sa.Column("token", sa.String(23), nullable=False, unique=True),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("reason", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("gateway_refund_id", sa.String(64), server_default="", nullable=False),
        sa.Column("failure_reason", sa.String(500), server_default="", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("completed_at", TIMESTAMP),
        *_timestamps(),
        sa.CheckConstraint(
            "status IN ('pending', 'requested', 'succeeded', 'failed')", name="refund_status_known"
        ),
        sa.CheckConstraint("amount > 0", name="refund_amount_positive"),
        sa.Index("ix_refunds_order", "order_id"),
        sa.Index(
            "ix_refunds_unfinished", "updated_at", postgresql_where=sa.text("status IN ('pending', 'requested')")
        ),
    )
    op.create_table(
        "ledger_entries",
        _id(),
        _references("transaction_id", "ledger_transactions.id", "RESTRICT"),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount <> 0", name="ledger_entry_moves_money"),
        sa.Index("ix_ledger_entries_account_event", "account", "event_id"),
        sa.Index("ix_ledger_entries_transaction", "transaction_id"),
        sa.Index("ix_ledger_entries_event", "event_id"),
    )
    for statement in LEDGER_FUNCTIONS + LEDGER_TRIGGERS:
        op.execute(statement)


def _payouts() -> None:
    """Payouts: hosts' bank accounts (the number only encrypted), payout requests, the per-host lock row.

    At most one primary and one active copy of an account per host, and one payout in flight per host (partial
    unique indexes); a paid payout carries its UTR, and a UTR is recorded once.
    """
    op.create_table(
        "bank_accounts",
        _id(),
        _references("host_id", "members.id", "RESTRICT"),
        sa.Column("bank_name", sa.String(100), nullable=False),
        sa.Column("ifsc_code", sa.String(11), nullable=False),
        sa.Column("account_holder_name", sa.String(100), nullable=False),
        sa.Column("last4", sa.String(4), nullable=False),
        sa.Column("sealed_number", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("is_primary", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default="true", nullable=False),
        sa.Column("removed_at", TIMESTAMP),
        *_timestamps(),
        sa.CheckConstraint("NOT is_primary OR is_active", name="primary_is_active"),
        sa.Index("ix_bank_accounts_host", "host_id", "created_at"),
        sa.Index(
            "uq_bank_accounts_fingerprint",
            "host_id",
            "fingerprint",
            unique=True,
            postgresql_where=sa.text("is_active"),
        ),
        sa.Index(
            "uq_bank_accounts_primary",
            "host_id",
            unique=True,
            postgresql_where=sa.text("is_primary AND is_active"),
        ),
    )
    op.create_table(
        "payout_hosts",
        sa.Column("host_id", sa.BigInteger(), sa.ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True),
    )
    in_flight = sa.text("status IN ('requested', 'approved')")
    op.create_table(
        "payout_requests",
        _id(),
        _references("host_id", "members.id", "RESTRICT"),
        _references("bank_account_id", "bank_accounts.id", "RESTRICT"),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("allocations", JSONB, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("sender", sa.String(32), nullable=False),
        sa.Column("sender_reference", sa.String(100), server_default="", nullable=False),
        sa.Column("utr", sa.String(30), unique=True),
        sa.Column("failure_reason", sa.String(500), server_default="", nullable=False),
        _references("approved_by", "members.id", "SET NULL", nullable=True),
        sa.Column("approved_at", TIMESTAMP),
        _references("closed_by", "members.id", "SET NULL", nullable=True),
        sa.Column("closed_at", TIMESTAMP),
        *_timestamps(),
        sa.CheckConstraint("(status = 'paid') = (utr IS NOT NULL)", name="paid_with_utr"),
        sa.CheckConstraint(
            "status IN ('requested', 'approved', 'paid', 'failed', 'cancelled')", name="payout_status_known"
        ),
        sa.CheckConstraint("amount > 0", name="payout_amount_positive"),
        sa.Index("ix_payout_requests_account", "bank_account_id", postgresql_where=in_flight),
        sa.Index("ix_payout_requests_host", "host_id", "id"),
        sa.Index("ix_payout_requests_status", "status", "id"),
        sa.Index("uq_payout_requests_in_flight", "host_id", unique=True, postgresql_where=in_flight),
    )
    op.create_foreign_key(
        "fk_ledger_transactions_payout_id_payout_requests",
        "ledger_transactions",
        "payout_requests",
        ["payout_id"],
        ["id"],
        ondelete="RESTRICT",
    )


def _notifications() -> None:
    """Notifications: push devices, the inbox, muted types per member, staff campaigns and their recipients.

    The inbox keeps unread and push-due indexes (an urgent push is not deferred to the end of quiet hours); a
    campaign has one recipient row per member reached.
    """
    op.create_table(
        "devices",
        _id(),
        _references("member_id", "members.id", "CASCADE", index=True),
        sa.Column("player_id", sa.String(128), nullable=False, unique=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        *_timestamps(),
    )
    op.create_table(
        "notifications",
        _id(),
        sa.Column("key", sa.String(80), nullable=False, unique=True),
        _references("recipient_id", "members.id", "CASCADE"),
        _references("sender_id", "members.id", "SET NULL", nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("template", sa.String(48), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.String(1000), nullable=False),
        sa.Column("data", JSONB, server_default="{}", nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("pushed_at", TIMESTAMP),
        sa.Column("read_at", TIMESTAMP),
        sa.Column("urgent", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("push_due_at", TIMESTAMP),
        sa.Index("ix_notifications_recipient", "recipient_id", "id"),
        sa.Index("ix_notifications_unread", "recipient_id", "id", postgresql_where=sa.text("read_at IS NULL")),
        sa.Index(
            "ix_notifications_push_due",
            "push_due_at",
            postgresql_where=sa.text("pushed_at IS NULL AND push_due_at IS NOT NULL"),
        ),
    )
    op.create_table(
        "notification_preferences",
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("muted", postgresql.ARRAY(sa.String(32)), server_default="{}", nullable=False),
        sa.Column("updated_at", TIMESTAMP),
    )
    op.create_table(
        "campaigns",
        _id(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("template", sa.String(48), nullable=False),
        sa.Column("values", JSONB, server_default="{}", nullable=False),
        sa.Column("audience", JSONB, server_default="{}", nullable=False),
        _references("created_by", "members.id"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("recipients", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("started_at", TIMESTAMP),
        sa.Column("finished_at", TIMESTAMP),
        sa.Column("cancelled_at", TIMESTAMP),
        _references("sent_by", "members.id", nullable=True),
        sa.Column("updated_at", TIMESTAMP),
        sa.Index("ix_campaigns_sending", "id", postgresql_where=sa.text("status = 'sending'")),
    )
    op.create_table(
        "campaign_recipients",
        sa.Column(
            "campaign_id", sa.BigInteger(), sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("member_id", sa.BigInteger(), sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.Index(
            "ix_campaign_recipients_pending",
            "campaign_id",
            "member_id",
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )


def _audit() -> None:
    """Audit: the append-only, hash-chained log and its daily summaries.

    Entries are chained (seq, digest, previous_digest); daily summaries anchor the chain's head. Triggers refuse
    UPDATE, DELETE and TRUNCATE on the log and its day tables: nothing in the application changes them, and a
    change made by hand shows as a trigger that was dropped or disabled, besides breaking the chain.
    """
    op.create_table(
        "audit_entries",
        _id(),
        sa.Column("entry_id", sa.Uuid(), nullable=False, unique=True),
        sa.Column("actor_id", sa.BigInteger()),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(64), nullable=False),
        sa.Column("target_id", sa.BigInteger()),
        sa.Column("details", JSONB, server_default="{}", nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False, index=True),
        sa.Column("seq", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("recorded_at", TIMESTAMP, nullable=False, index=True),
        sa.Column("previous_digest", sa.String(64)),
        sa.Column("digest", sa.String(64)),
        sa.Index("ix_audit_entries_actor", "actor_id", "seq"),
        sa.Index("ix_audit_entries_target", "target_type", "target_id", "seq"),
        sa.Index("ix_audit_entries_action", "action", "seq"),
    )
    op.execute(
        "ALTER TABLE audit_entries ADD CONSTRAINT ck_audit_entries_sealed CHECK (digest IS NOT NULL) NOT VALID"
    )
    op.create_table(
        "audit_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("head_seq", sa.BigInteger()),
        sa.Column("head_digest", sa.String(64)),
        sa.Column("summarized_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "audit_day_actions",
        sa.Column("day", sa.Date(), sa.ForeignKey("audit_days.day"), primary_key=True),
        sa.Column("action", sa.String(64), primary_key=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("actors", sa.Integer(), nullable=False),
    )
    op.execute(AUDIT_REFUSE_CHANGE)
    for table in AUDIT_APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()"
        )


def _outbox() -> None:
    """Platform: the transactional outbox.

    Jobs committed with the change that asked for them, until relayed to SAQ. ``available_at`` orders the relay's
    claims and holds a message back while its writer hands it over, or after a failed relay (backoff).
    """
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("position", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("available_at", TIMESTAMP, nullable=False),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Index("ix_outbox_due", "available_at", "position"),
    )
