"""The audit hash chain: every field of every entry is covered, and the first entry that does not verify is
named, whatever was done to it."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from loopin.domain.audit.chain import GENESIS, AuditChain, ChainHead, canonical
from loopin.domain.audit.entry import AuditEntry, plain_details

START = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
KEY = b"k" * 32


def chained(count: int, chain: AuditChain | None = None) -> list[AuditEntry]:
    chain = chain or AuditChain(KEY)
    head: ChainHead | None = None
    entries = []
    for n in range(count):
        entry = AuditEntry(
            entry_id=uuid.UUID(int=n + 1),
            actor_id=n if n % 3 else None,
            action="ticket.issued" if n % 2 else "event.created",
            target_type="ticket",
            target_id=100 + n,
            at=START + timedelta(minutes=n),
            details={"seats": n, "paid": bool(n % 2), "note": f"n{n}"},
        )
        linked = chain.link(entry, after=head, recorded_at=START + timedelta(minutes=n, seconds=1))
        head = ChainHead(linked.seq, linked.digest)
        entries.append(linked)
    return entries


def first_break(entries: list[AuditEntry], chain: AuditChain | None = None) -> tuple[int, str | None, str] | None:
    verifier = (chain or AuditChain(KEY)).verifier()
    for entry in entries:
        if verifier.feed(entry):
            break
    b = verifier.broken
    return None if b is None else (b.seq, b.entry_id, b.reason)


def test_links_number_the_entries_and_chain_their_digests() -> None:
    entries = chained(4)
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    assert entries[0].previous_digest == GENESIS
    assert [e.previous_digest for e in entries[1:]] == [e.digest for e in entries[:-1]]
    assert all(e.digest and len(e.digest) == 64 for e in entries)
    assert first_break(entries) is None


@pytest.mark.parametrize(
    "change",
    [
        {"actor_id": 99},
        {"action": "ticket.cancelled"},
        {"target_type": "event"},
        {"target_id": 1},
        {"at": START},
        {"recorded_at": START},
        {"details": {"seats": 9, "paid": True, "note": "n2"}},
        {"entry_id": uuid.UUID(int=77)},
    ],
    ids=lambda c: next(iter(c)),
)
def test_a_change_to_any_field_names_that_entry(change: dict[str, object]) -> None:
    entries = chained(5)
    entries[2] = replace(entries[2], **change)  # type: ignore[arg-type]
    seq, entry_id, reason = first_break(entries) or (0, None, "")
    assert (seq, entry_id) == (3, str(entries[2].entry_id))
    assert "altered" in reason


def test_a_rewritten_digest_breaks_the_next_entry() -> None:
    entries = chained(5)
    forged = replace(entries[1], actor_id=42)
    entries[1] = replace(forged, digest=AuditChain(b"x" * 32).digest(forged))  # without the server's key
    assert first_break(entries)[:2] == (2, str(entries[1].entry_id))  # type: ignore[index]


def test_a_chain_rewritten_from_a_point_on_with_another_key_breaks_there() -> None:
    entries = chained(5)
    rogue = AuditChain(b"r" * 32)
    head = ChainHead(entries[1].seq, entries[1].digest)
    for i in range(2, 5):
        entries[i] = rogue.link(
            replace(entries[i], actor_id=7), after=head, recorded_at=entries[i].recorded_at or START
        )
        head = ChainHead(entries[i].seq, entries[i].digest)
    assert first_break(entries)[:2] == (3, str(entries[2].entry_id))  # type: ignore[index]


def test_a_removed_entry_is_named_by_its_place() -> None:
    entries = chained(5)
    del entries[2]
    assert first_break(entries) == (3, None, "entry #3 is missing")


def test_an_entry_out_of_order_is_named() -> None:
    entries = chained(4)
    entries[1], entries[2] = entries[2], entries[1]
    assert first_break(entries)[0] == 2  # type: ignore[index]


def test_entries_from_before_the_chain_may_only_come_first() -> None:
    chain = AuditChain(KEY)
    legacy = [replace(e, previous_digest=None, digest=None) for e in chained(2)]
    after = chain.link(
        replace(chained(3)[2], seq=0, previous_digest=None, digest=None),
        after=ChainHead(2, None),
        recorded_at=START + timedelta(hours=1),
    )
    assert after.previous_digest == GENESIS
    verifier = chain.verifier()
    for entry in [*legacy, after]:
        assert verifier.feed(entry) is None
    assert (verifier.checked, verifier.unsealed) == (3, 2)
    late = replace(chained(4)[3], previous_digest=None, digest=None)
    assert verifier.feed(late) is not None


def test_the_digest_needs_the_key() -> None:
    entries = chained(3)
    altered = "entry was altered (its digest does not match its content)"
    assert first_break(entries, AuditChain(b"y" * 32)) == (1, str(entries[0].entry_id), altered)
    with pytest.raises(ValueError, match="16 bytes"):
        AuditChain(b"short")


def test_the_canonical_form_is_stable_and_timezone_free() -> None:
    entry = chained(1)[0]
    in_ist = replace(entry, at=entry.at.astimezone(timezone(timedelta(hours=5, minutes=30))))
    assert canonical(entry) == canonical(in_ist)
    shuffled = replace(entry, details={"b": 1, "a": 2})
    assert canonical(shuffled) == canonical(replace(entry, details={"a": 2, "b": 1}))


def test_details_are_kept_as_a_json_column_gives_them_back() -> None:
    assert plain_details({"ratio": 0.1, "big": 1e16, "nan": float("nan"), "n": 3, "ok": True, "none": None}) == {
        "ratio": "0.1",
        "big": "1e+16",
        "nan": "nan",
        "n": 3,
        "ok": True,
        "none": None,
    }
    assert plain_details({"t\x00": ["a\x00b", {"k": "\ud800"}]}) == {"t\ufffd": ["a\ufffdb", {"k": "?"}]}
