"""A member's share worked out pool by pool, as a mayor's briefing prints it."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.allocation.engine import Member, Plan, Pool, allocate, plan_to_json, result_to_json
from apps.allocation.models import AllocationPlan
from apps.allocation.selectors import share_basis

D = Decimal


def published(plan: Plan) -> AllocationPlan:
    """What publishing keeps: the inputs and the result (no database needed to read them)."""
    return AllocationPlan(frozen_inputs=plan_to_json(plan), frozen_results=result_to_json(allocate(plan)))


MEMBERS = (Member("113018", population=44_000, current_cost=69_580_000),
           Member("113247", population=38_000, current_cost=77_740_000),
           Member("113271", population=12_000, current_cost=60_460_000))


def test_the_equal_and_population_parts_add_up_to_the_pool_share_to_the_yen():
    plan = Plan(members=MEMBERS, pools=(Pool("基幹系", 100_000_000, D("0.3"), D("0.7")),))
    [basis] = share_basis(published(plan), "113018")
    assert basis.equal == 10_000_000  # 100,000,000 × 0.3 ÷ 3
    assert basis.by_population == 32_765_957  # 100,000,000 × 0.7 × 44/94 = 32,765,957.44…, rounded down
    assert basis.equal + basis.by_population + basis.rounding == basis.share == result_to_json(
        allocate(plan))["members"][0]["pools"]["基幹系"]
    assert (basis.members, basis.every_member, basis.population) == (3, True, 44_000)
    assert basis.population_share == Fraction(44, 94)


def test_a_pool_of_some_members_is_read_only_by_them_and_says_so():
    plan = Plan(members=MEMBERS, pools=(Pool("基幹系", 90_000_000, D("0.5"), D("0.5")),
                                        Pool("税務", 1_000_001, D("1"), D("0"), members=("113247", "113271"))))
    assert [b.name for b in share_basis(published(plan), "113018")] == ["基幹系"]
    tax = share_basis(published(plan), "113247")[1]
    assert (tax.members, tax.every_member, tax.by_population) == (2, False, 0)  # equal only: no population part
    assert tax.equal == tax.share == 500_001  # the odd yen goes to the lower code
    assert share_basis(published(plan), "000000") == []  # not in the plan


def test_towns_of_one_population_read_the_same_population_part_and_the_rounding_apart():
    """The pool's largest remainder gives one of two towns of 11,000 a yen more than the
    other: that yen is the pool's rounding, said apart, not a larger population part."""
    populations = (40_000, 33_000, 26_000, 19_000, 12_000, 11_000, 11_000)
    members = tuple(Member(f"11{index:03d}0", population=population) for index, population in enumerate(populations))
    plan = Plan(members=members, pools=(Pool("基幹系", 150_000_009, D("0.3"), D("0.7")),))
    record = published(plan)
    [first], [second] = share_basis(record, "110050"), share_basis(record, "110060")
    assert (first.share, second.share) == (14_027_257, 14_027_256)
    # 150,000,009 × 0.3 ÷ 7 = 6,428,571.81…; × 0.7 × 11,000/152,000 = 7,598,684.66…
    assert first.equal == second.equal == 6_428_571
    assert first.by_population == second.by_population == 7_598_684
    assert (first.rounding, second.rounding) == (2, 1)


@settings(max_examples=200, deadline=None)
@given(amount=st.integers(0, 10**10), equal=st.sampled_from(["0", "0.25", "0.3", "0.333", "1"]),
       populations=st.lists(st.integers(0, 500_000), min_size=1, max_size=8).filter(any))
def test_the_parts_are_their_exact_amounts_rounded_down_and_always_add_up(amount, equal, populations):
    members = tuple(Member(f"{11 + index:05d}0", population=population) for index, population in enumerate(populations))
    plan = Plan(members=members, pools=(Pool("p", amount, D(equal), 1 - D(equal)),))
    record = published(plan)
    parts = {}
    for member in members:
        [basis] = share_basis(record, member.code)
        assert basis.equal >= 0 and basis.by_population >= 0 and 0 <= basis.rounding <= 2
        assert basis.equal + basis.by_population + basis.rounding == basis.share
        if D(equal) not in (0, 1):  # told in two parts: each its exact amount rounded down
            assert basis.equal == amount * Fraction(equal) // len(members)
            assert basis.by_population == amount * (1 - Fraction(equal)) * member.population // sum(populations)
            parts.setdefault(member.population, set()).add((basis.equal, basis.by_population))
    assert all(len(told) == 1 for told in parts.values())  # one size, one pair of parts
