"""PlatformFeePolicy against the worked examples of spec payments §1.3, its rounding edges and bounds.

The spec's "recorded fee" rounds per order and leaves a residue (W15); here the fee is amount - host share, so
the residue is part of the fee and amount = host share + fee always.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from loopin.domain.identity.member import Member, MemberStatus, Role
from loopin.domain.identity.phone import PhoneNumber
from loopin.domain.identity.reauthentication import REAUTHENTICATION_WINDOW, ReauthenticationRequired
from loopin.domain.payments.fee import PlatformFeeConfig, PlatformFeePolicy, SuperuserOnly, parse_percentage
from loopin.domain.shared.errors import ErrorKind, InvalidInput
from loopin.domain.shared.money import in_paise, to_money

# base, pct, seats, buyer price/seat, amount charged, host earning, the spec's recorded fee, its residue
SPEC_TABLE = [
    ("100.00", "10.00", 1, "110.00", "110.00", "100.00", "10.00", "0.00"),
    ("100.00", "10.00", 5, "110.00", "550.00", "500.00", "50.00", "0.00"),
    ("499.00", "10.00", 1, "548.90", "548.90", "499.00", "49.90", "0.00"),
    ("499.00", "10.00", 2, "548.90", "1097.80", "998.00", "99.80", "0.00"),
    ("499.00", "10.00", 3, "548.90", "1646.70", "1497.00", "149.70", "0.00"),
    ("99.99", "10.00", 1, "109.99", "109.99", "99.99", "10.00", "0.00"),
    ("99.95", "10.00", 1, "109.95", "109.95", "99.95", "10.00", "0.00"),
    ("99.95", "10.00", 3, "109.95", "329.85", "299.85", "29.99", "0.01"),
    ("1.15", "10.00", 7, "1.27", "8.89", "8.05", "0.81", "0.03"),
    ("19.95", "5.00", 4, "20.95", "83.80", "79.80", "3.99", "0.01"),
    ("250.00", "12.50", 1, "281.25", "281.25", "250.00", "31.25", "0.00"),
    ("333.33", "7.50", 3, "358.33", "1074.99", "999.99", "75.00", "0.00"),
    ("0.05", "10.00", 1, "0.06", "0.06", "0.05", "0.01", "0.00"),
    ("0.04", "10.00", 1, "0.04", "0.04", "0.04", "0.00", "0.00"),
    ("100.00", "0.00", 1, "100.00", "100.00", "100.00", "0.00", "0.00"),
    ("100.00", "100.00", 2, "200.00", "400.00", "200.00", "200.00", "0.00"),
]


@pytest.mark.parametrize(("base", "pct", "seats", "buyer", "amount", "host", "spec_fee", "residue"), SPEC_TABLE)
def test_the_spec_table(
    base: str, pct: str, seats: int, buyer: str, amount: str, host: str, spec_fee: str, residue: str
) -> None:
    quote = PlatformFeePolicy(D(pct)).quote(D(base), seats)
    assert quote.buyer_price == D(buyer)
    assert quote.amount == D(amount)
    assert quote.host_share == D(host)
    assert quote.platform_fee == D(spec_fee) + D(residue)  # the residue is the platform's, never nobody's
    assert quote.host_share + quote.platform_fee == quote.amount
    assert quote.seats == seats
    assert quote.fee_percentage == D(pct)
    assert quote.fee_per_seat == D(buyer) - D(base)
    for value in (quote.buyer_price, quote.amount, quote.host_share, quote.platform_fee):
        assert value.as_tuple().exponent == -2


def test_the_payout_example_of_the_spec() -> None:
    """50 single-seat orders at 100.00 and 10 %: buyers pay 5,500.00, the host earns 5,000.00, platform 500.00."""
    quotes = [PlatformFeePolicy().quote(D("100.00"), 1) for _ in range(50)]
    assert sum(q.amount for q in quotes) == D("5500.00")
    assert sum(q.host_share for q in quotes) == D("5000.00")
    assert sum(q.platform_fee for q in quotes) == D("500.00")


def test_the_default_is_ten_percent_and_the_integration_guides_549_is_wrong() -> None:
    policy = PlatformFeePolicy()
    assert policy.percentage == D("10.00")
    assert policy.multiplier == D("0.1")
    assert policy.buyer_price(D("499.00")) == D("548.90")
    assert policy.fee_per_seat(D("499.00")) == D("49.90")
    assert policy.buyer_price(D("499.00")) != D("549.00")


@pytest.mark.parametrize(
    ("base", "pct", "expected"),
    [
        ("99.95", "10.00", "109.95"),  # 109.945 rounds half up
        ("0.05", "10.00", "0.06"),  # 0.055
        ("0.04", "10.00", "0.04"),  # 0.044
        ("0.15", "10.00", "0.17"),  # 0.165
        ("19.95", "5.00", "20.95"),  # 20.9475
        ("0.01", "50.00", "0.02"),  # 0.015
        ("0.01", "49.99", "0.01"),  # 0.014999
        ("100000.00", "100.00", "200000.00"),  # the highest price at the highest fee
        ("100000.00", "0.01", "100010.00"),
        ("1.00", "0.01", "1.00"),  # 1.0001
        ("1.00", "0.50", "1.01"),  # 1.005
    ],
)
def test_rounding_edges(base: str, pct: str, expected: str) -> None:
    assert PlatformFeePolicy(D(pct)).buyer_price(D(base)) == D(expected)


@pytest.mark.parametrize(
    ("raw", "expected"), [("0.005", "0.01"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("1.004", "1.00")]
)
def test_money_is_rounded_to_the_paisa_half_up_in_one_place(raw: str, expected: str) -> None:
    """in_paise: read amounts (to_money), buyer prices and a partial refund's platform part all round by it."""
    assert in_paise(D(raw)) == to_money(raw) == D(expected)


def test_a_zero_price_costs_nothing_and_owes_nothing() -> None:
    quote = PlatformFeePolicy(D("10.00")).quote(D("0"), 3)
    assert (quote.buyer_price, quote.amount, quote.host_share, quote.platform_fee) == (D("0.00"),) * 4


def test_max_seats_at_the_max_price() -> None:
    quote = PlatformFeePolicy(D("12.34")).quote(D("100000.00"), 10)
    assert quote.buyer_price == D("112340.00")
    assert quote.amount == D("1123400.00")
    assert quote.host_share == D("1000000.00")
    assert quote.platform_fee == D("123400.00")


def test_a_quote_is_for_one_seat_or_more_at_a_price_of_zero_or_more() -> None:
    policy = PlatformFeePolicy()
    with pytest.raises(ValueError, match="at least one seat"):
        policy.quote(D("100"), 0)
    with pytest.raises(ValueError, match="never negative"):
        policy.quote(D("-0.01"), 1)
    with pytest.raises(ValueError, match="not a finite amount"):
        policy.quote(D("NaN"), 1)


def test_prices_are_taken_to_the_paisa_half_up() -> None:
    assert PlatformFeePolicy().quote(D("99.945"), 1).base_price == D("99.95")


@pytest.mark.parametrize("raw", ["0", "0.00", "10", "10.5", "99.99", "100", "100.00", 0, 100, D("7.50"), " 12.5 "])
def test_percentages_from_0_to_100_with_two_decimals(raw: str | int | D) -> None:
    value = parse_percentage(raw)
    assert D("0") <= value <= D("100")
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize("raw", ["100.01", "-0.01", "10.001", "abc", "", "NaN", "Infinity", "1e3", None])
def test_other_percentages_are_refused(raw: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_percentage(raw)  # type: ignore[arg-type]
    assert caught.value.code == "INVALID_FEE_PERCENTAGE"
    assert caught.value.problems[0].field == "fee_percentage"


def test_the_policy_refuses_an_invalid_percentage() -> None:
    with pytest.raises(InvalidInput):
        PlatformFeePolicy(D("100.01"))


NOW = datetime(2030, 1, 1, tzinfo=UTC)


def member(role: Role, member_id: int = 7) -> Member:
    return Member(id=member_id, phone=PhoneNumber.parse("+919812345678"), role=role, status=MemberStatus.ACTIVE)


BOSS = member(Role.SUPERUSER)


def test_a_config_change_says_who_changed_what_from_what() -> None:
    config = PlatformFeeConfig()
    change = config.change("12.50", by=BOSS, confirmed_at=NOW, now=NOW, description=" festive season ")
    assert change is not None
    assert (change.old, change.new, change.changed_by, change.at) == (D("10.00"), D("12.50"), 7, NOW)
    assert (change.old_description, change.new_description, change.percentage_changed) == (
        "",
        "festive season",
        True,
    )
    assert (config.percentage, config.description, config.updated_by, config.updated_at) == (
        D("12.50"),
        "festive season",
        7,
        NOW,
    )
    assert config.policy == PlatformFeePolicy(D("12.50"))
    noted = config.change("12.5", by=BOSS, confirmed_at=NOW, now=NOW, description="Diwali")
    assert noted is not None
    assert (noted.old_description, noted.new_description, noted.percentage_changed) == (
        "festive season",
        "Diwali",
        False,
    )


def test_the_same_config_again_changes_nothing() -> None:
    config = PlatformFeeConfig()
    assert config.change("10", by=BOSS, confirmed_at=NOW, now=NOW) is None
    assert config.updated_by is None


def test_an_invalid_change_leaves_the_config_as_it_was() -> None:
    config = PlatformFeeConfig()
    with pytest.raises(InvalidInput):
        config.change("101", by=BOSS, confirmed_at=NOW, now=NOW)
    assert config.percentage == D("10.00")


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF])
def test_only_a_superuser_changes_the_fee(role: Role) -> None:
    config = PlatformFeeConfig()
    assert not config.may_be_changed_by(member(role))
    assert config.may_be_changed_by(BOSS)
    with pytest.raises(SuperuserOnly) as refused:
        config.change("12", by=member(role), confirmed_at=NOW, now=NOW)
    assert (refused.value.kind, refused.value.code) == (ErrorKind.FORBIDDEN, "SUPERUSER_ONLY")
    assert refused.value.message == "Only a superuser can change the platform fee."
    assert (config.percentage, config.updated_by) == (D("10.00"), None)


def test_a_superuser_changes_the_fee_only_with_a_code_entered_in_the_window() -> None:
    config = PlatformFeeConfig()
    for stale in (None, NOW - REAUTHENTICATION_WINDOW - timedelta(microseconds=1)):
        with pytest.raises(ReauthenticationRequired) as refused:
            config.change("12", by=BOSS, confirmed_at=stale, now=NOW)
        assert (refused.value.kind, refused.value.code) == (ErrorKind.FORBIDDEN, "REAUTHENTICATION_REQUIRED")
    assert config.percentage == D("10.00")
    assert config.change("12", by=BOSS, confirmed_at=NOW - REAUTHENTICATION_WINDOW, now=NOW) is not None
