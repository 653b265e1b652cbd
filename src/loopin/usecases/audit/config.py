"""Tunable numbers of the audit context, filled from settings by the composition root."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class AuditConfig:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Kolkata"))  # days of the daily summaries
    catch_up_days: int = 31  # days one summary run closes at most (after an outage, later runs close the rest)
    verify_page: int = 1000
