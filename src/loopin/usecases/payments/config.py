"""Tunable numbers of the payments context, filled from settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from loopin.domain.payments.refund import RefundPolicy


@dataclass(frozen=True, slots=True)
class PaymentsConfig:
    payment_window: timedelta = field(default_factory=lambda: timedelta(minutes=15))  # a hold's life
    refunds: RefundPolicy = field(default_factory=RefundPolicy)
    email_domain: str = "guests.loopinsocial.in"  # PayU requires an email; members have none
    public_base_url: str | None = None  # where PayU posts back; None: the request's own origin
    fee_cache_ttl_seconds: int = 3600
    sweep_batch: int = 500
    check_after: timedelta = field(default_factory=lambda: timedelta(minutes=2))  # ask PayU about an open order
    check_every: timedelta = field(default_factory=lambda: timedelta(minutes=5))  # ... at most this often
    check_released_for: timedelta = field(default_factory=lambda: timedelta(hours=2))  # lost late captures
    refund_retry_after: timedelta = field(default_factory=lambda: timedelta(minutes=10))
