"""The cost allocation rule (費用按分), exactly as ``shared/spec/allocation.md`` states it.

Pure Python with no Django import (a test proves it), so the web pages, the
``allocate`` command and the PDF reports all give the same yen.

Arithmetic is exact and integer: each pool's shares are numerators over one pool
denominator, and the re-allocation works on numerators over the common denominator of
all pools, so no ``Fraction`` is built per member (that is what makes 1,741 members ×
20 pools fast).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

ENGINE_VERSION = "1.0.0"


class AllocationError(ValueError):
    """A refused plan: ``subject`` names the pool or member, ``field`` the input. The
    refusals a plan made in the web app can meet also carry a ``reason`` and its
    ``params``, from which the app writes the refusal in the user's language (the message
    itself is for the command line)."""

    def __init__(self, message: str, *, subject: str = "plan", field: str = "", reason: str = "",
                 params: dict | None = None):
        super().__init__(message)
        self.subject = subject
        self.field = field
        self.reason = reason
        self.params = params or {}


@dataclass(frozen=True)
class Member:
    code: str
    name: str = ""
    population: int | None = None
    current_cost: int | None = None
    guaranteed: bool = True


@dataclass(frozen=True)
class Pool:
    name: str
    amount: int
    equal_ratio: Decimal
    population_ratio: Decimal
    members: tuple[str, ...] | None = None  # None: every member of the plan


@dataclass(frozen=True)
class Plan:
    members: tuple[Member, ...]
    pools: tuple[Pool, ...]
    guarantee: Decimal | None = None


@dataclass(frozen=True, slots=True)
class MemberResult:
    code: str
    name: str
    pools: dict[str, int]
    base: int
    adjustment: int
    share: int
    current_cost: int | None
    saving: int | None
    saving_ratio: Decimal | None
    capped: bool
    cap: int | None


@dataclass(frozen=True)
class AllocationResult:
    total: int
    members: tuple[MemberResult, ...]


# --- validation ---------------------------------------------------------------------

def _is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate(plan: Plan) -> dict[str, Member]:
    members: dict[str, Member] = {}
    for member in plan.members:
        subject = f"member {member.code}"
        if member.code in members:
            raise AllocationError(f"{subject}: code appears twice", subject=subject, field="code")
        if member.population is None:
            raise AllocationError(f"{subject}: population is missing", subject=subject, field="population",
                                  reason="population_missing", params={"code": member.code})
        if not _is_whole(member.population) or member.population < 0:
            raise AllocationError(f"{subject}: population must be a whole number of 0 or more, "
                                  f"not {member.population!r}", subject=subject, field="population")
        if member.current_cost is not None and (not _is_whole(member.current_cost) or member.current_cost < 0):
            raise AllocationError(f"{subject}: current_cost must be whole yen of 0 or more, "
                                  f"not {member.current_cost!r}", subject=subject, field="current_cost")
        members[member.code] = member
    names: set[str] = set()
    for pool in plan.pools:
        subject = f"pool {pool.name}"
        if pool.name in names:
            raise AllocationError(f"{subject}: name appears twice", subject=subject, field="name")
        names.add(pool.name)
        if not _is_whole(pool.amount) or pool.amount < 0:
            raise AllocationError(f"{subject}: amount must be whole yen of 0 or more, not {pool.amount!r}",
                                  subject=subject, field="amount")
        for field in ("equal_ratio", "population_ratio"):
            ratio = getattr(pool, field)
            if not isinstance(ratio, Decimal) or not ratio.is_finite() or ratio < 0:
                raise AllocationError(f"{subject}: {field} must be a decimal of 0 or more, not {ratio!r}",
                                      subject=subject, field=field)
        if pool.equal_ratio + pool.population_ratio != 1:
            raise AllocationError(
                f"{subject}: equal_ratio {pool.equal_ratio} and population_ratio {pool.population_ratio} "
                f"do not add up to 1", subject=subject, field="equal_ratio")
        if pool.members is None:
            population = sum(member.population for member in members.values())
            if not members:
                raise AllocationError(f"{subject}: the pool has no members", subject=subject, field="members",
                                      reason="pool_empty", params={"pool": pool.name})
        else:
            if not pool.members:
                raise AllocationError(f"{subject}: the pool has no members", subject=subject, field="members",
                                      reason="pool_empty", params={"pool": pool.name})
            unknown = [code for code in pool.members if code not in members]
            if unknown:
                raise AllocationError(f"{subject}: member {unknown[0]} is not in the plan", subject=subject,
                                      field="members")
            if len(set(pool.members)) != len(pool.members):
                raise AllocationError(f"{subject}: a member is listed twice", subject=subject, field="members")
            population = sum(members[code].population for code in pool.members)
        if pool.population_ratio > 0 and population == 0:
            raise AllocationError(f"{subject}: population_ratio is above zero but its members' populations "
                                  f"add up to zero", subject=subject, field="population_ratio",
                                  reason="pool_no_population", params={"pool": pool.name})
    if plan.guarantee is not None:
        g = plan.guarantee
        if not isinstance(g, Decimal) or not g.is_finite() or g < 0 or g > 1:
            raise AllocationError(f"guarantee must be a decimal from 0 to 1, not {g!r}", field="guarantee")
    return members


def _pool_codes(pool: Pool, members: dict[str, Member]) -> list[str]:
    return list(members) if pool.members is None else list(pool.members)


# --- rounding -----------------------------------------------------------------------

def _largest_remainder(numerators: list[int], denominator: int, total: int) -> list[int]:
    """Whole shares of exact ``numerator / denominator`` adding up to ``total``: floors,
    then one more yen to the largest remainders. ``numerators`` must be in ascending
    code order: the sort is stable, so equal remainders go to the lower code first."""
    shares = [numerator // denominator for numerator in numerators]
    extra = total - sum(shares)
    if extra:
        remainders = [numerator % denominator for numerator in numerators]
        for index in sorted(range(len(numerators)), key=remainders.__getitem__, reverse=True)[:extra]:
            shares[index] += 1
    return shares


def _pool_numerators(pool: Pool, codes: list[str], members: dict[str, Member]) -> tuple[list[int], int]:
    """Exact shares A·e/|M| + A·q·pop/Σpop as integer numerators over one denominator,
    in the order of ``codes``."""
    populations = [members[code].population for code in codes]
    equal = Fraction(pool.amount) * Fraction(pool.equal_ratio) / len(codes)
    total_population = sum(populations)
    per_person = (Fraction(pool.amount) * Fraction(pool.population_ratio) / total_population
                  if total_population else Fraction(0))
    denominator = math.lcm(equal.denominator, per_person.denominator)
    equal_part = equal.numerator * (denominator // equal.denominator)
    person_part = per_person.numerator * (denominator // per_person.denominator)
    return [equal_part + person_part * population for population in populations], denominator


# --- the rule -----------------------------------------------------------------------

def allocate(plan: Plan) -> AllocationResult:
    members = _validate(plan)
    codes = sorted(members)
    total = sum(pool.amount for pool in plan.pools)

    pool_shares: dict[str, dict[str, int]] = {code: {} for code in codes}
    base = dict.fromkeys(codes, 0)
    exact_parts: list[tuple[list[str], list[int], int]] = []
    for pool in plan.pools:
        pool_codes = sorted(_pool_codes(pool, members))
        numerators, denominator = _pool_numerators(pool, pool_codes, members)
        exact_parts.append((pool_codes, numerators, denominator))
        for code, share in zip(pool_codes, _largest_remainder(numerators, denominator, pool.amount)):
            pool_shares[code][pool.name] = share
            base[code] += share

    final, caps, capped = dict(base), {}, set()
    if plan.guarantee is not None:
        final, caps, capped = _guarantee(plan.guarantee, members, codes, base, exact_parts, total)

    results = []
    for code in codes:
        member = members[code]
        share = final[code]
        saving = None if member.current_cost is None else member.current_cost - share
        results.append(MemberResult(
            code=code, name=member.name, pools=pool_shares[code], base=base[code],
            adjustment=share - base[code], share=share, current_cost=member.current_cost, saving=saving,
            saving_ratio=_ratio(saving, member.current_cost), capped=code in capped, cap=caps.get(code),
        ))
    return AllocationResult(total=total, members=tuple(results))


def _ratio(saving: int | None, current_cost: int | None) -> Decimal | None:
    if saving is None or not current_cost:
        return None
    return (Decimal(saving) / Decimal(current_cost)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _guarantee(guarantee, members, codes, base, exact_parts, total):
    """Re-allocation (再按分): cap every guaranteed member at floor((1−g)·cost) and spread
    the excess over the others in proportion to their exact base totals."""
    # Exact base totals as numerators over the common denominator of every pool.
    common = math.lcm(*(denominator for _, _, denominator in exact_parts)) if exact_parts else 1
    exact = dict.fromkeys(codes, 0)
    for pool_codes, numerators, denominator in exact_parts:
        scale = common // denominator
        for code, numerator in zip(pool_codes, numerators):
            exact[code] += numerator * scale
    participants = [code for code in codes if exact[code] > 0]

    guaranteed = [code for code in participants if members[code].guaranteed]
    unknown = [code for code in codes if members[code].guaranteed and members[code].current_cost is None]
    if unknown:  # every one named at once: a council fixes them in one go
        raise AllocationError(
            f"member {unknown[0]}: current_cost is unknown, so the member cannot be guaranteed "
            f"(leave it out of the guarantee with \"guaranteed\": false)"
            + (f"; so are {', '.join(unknown[1:])}" if unknown[1:] else ""),
            subject=f"member {unknown[0]}", field="current_cost", reason="cost_unknown",
            params={"code": unknown[0], "codes": unknown})
    keep = Fraction(1) - Fraction(guarantee)  # cap = floor((1 − g) · current cost)
    caps = {code: keep.numerator * members[code].current_cost // keep.denominator for code in guaranteed}
    unlimited = any(not members[code].guaranteed for code in participants)
    if not unlimited and sum(caps.values()) < total:
        shortfall = total - sum(caps.values())
        largest = _largest_feasible_guarantee(members, guaranteed, total)
        raise AllocationError(
            f"the guarantee of {guarantee} cannot be met: the members' caps fall short of the total "
            f"{total} yen by {shortfall} yen; the largest guarantee that could be met is "
            f"{largest if largest is not None else 'none (the members’ current costs add up to less than the total)'}",
            field="guarantee", reason="guarantee_unmet",
            params={"guarantee": guarantee, "total": total, "shortfall": shortfall, "largest": largest,
                    "current_total": sum(members[code].current_cost for code in guaranteed)})

    if all(base[code] <= caps[code] for code in guaranteed):
        return dict(base), caps, set()

    # Water-filling. Capping a member raises every free member's factor (T − C)/Σfree,
    # so a member exceeds its cap exactly when its cap per yen of base is below that
    # factor. First a sweep in that order (floats, fast), then the spec's own rounds in
    # exact integers — cap every member still exceeding, repeat — which settle at once
    # unless a float tie misplaced someone. Comparisons are cross-multiplied: the common
    # denominator cancels out.
    capped: set[str] = set()
    capped_sum, free_exact = 0, sum(exact[code] for code in participants)

    def exceeds(code: str) -> bool:
        return exact[code] * (total - capped_sum) > caps[code] * free_exact

    for code in sorted(guaranteed, key=lambda code: (caps[code] / exact[code], code)):
        if not exceeds(code):
            break
        capped.add(code)
        capped_sum += caps[code]
        free_exact -= exact[code]
    while newly := [code for code in guaranteed if code not in capped and exceeds(code)]:
        capped.update(newly)
        capped_sum += sum(caps[code] for code in newly)
        free_exact -= sum(exact[code] for code in newly)

    final = dict.fromkeys(codes, 0)
    for code in capped:
        final[code] = caps[code]
    free = [code for code in participants if code not in capped]  # participants are in code order
    if free:
        numerators = [exact[code] * (total - capped_sum) for code in free]
        final.update(zip(free, _largest_remainder(numerators, free_exact, total - capped_sum)))
    return final, caps, capped


def _largest_feasible_guarantee(members, guaranteed, total) -> Decimal | None:
    """The largest g, to 0.0001 and rounded down, whose caps still cover the total; None
    when not even g = 0 does (the guaranteed members pay less today than the total)."""

    def feasible(units: int) -> bool:  # g = units / 10000
        return sum((10_000 - units) * members[code].current_cost // 10_000 for code in guaranteed) >= total

    if not feasible(0):
        return None
    low, high = 0, 10_000
    while low < high:
        middle = (low + high + 1) // 2
        if feasible(middle):
            low = middle
        else:
            high = middle - 1
    return (Decimal(low) / 10_000).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


# --- the JSON forms of the spec -----------------------------------------------------

def _decimal(value, *, subject: str, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise AllocationError(f"{subject}: {field} must be a decimal string such as \"0.3\", not {value!r}",
                              subject=subject, field=field)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise AllocationError(f"{subject}: {field} {value!r} is not a decimal", subject=subject,
                              field=field) from None


def plan_from_json(data) -> Plan:
    if not isinstance(data, dict):
        raise AllocationError("the plan must be a JSON object with members and pools")
    members_data, pools_data = data.get("members"), data.get("pools")
    if not isinstance(members_data, list):
        raise AllocationError("members must be a list", field="members")
    if not isinstance(pools_data, list):
        raise AllocationError("pools must be a list", field="pools")
    members = []
    for index, item in enumerate(members_data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str):
            raise AllocationError(f"member {index}: each member needs a code string", subject=f"member {index}",
                                  field="code")
        guaranteed = item.get("guaranteed", True)
        if not isinstance(guaranteed, bool):
            raise AllocationError(f"member {item['code']}: guaranteed must be true or false",
                                  subject=f"member {item['code']}", field="guaranteed")
        members.append(Member(code=item["code"], name=str(item.get("name", "")), population=item.get("population"),
                              current_cost=item.get("current_cost"), guaranteed=guaranteed))
    pools = []
    for index, item in enumerate(pools_data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise AllocationError(f"pool {index}: each pool needs a name string", subject=f"pool {index}",
                                  field="name")
        subject = f"pool {item['name']}"
        codes = item.get("members")
        if codes is not None and (not isinstance(codes, list) or not all(isinstance(c, str) for c in codes)):
            raise AllocationError(f"{subject}: members must be a list of codes", subject=subject, field="members")
        pools.append(Pool(
            name=item["name"], amount=item.get("amount"),
            equal_ratio=_decimal(item.get("equal_ratio"), subject=subject, field="equal_ratio"),
            population_ratio=_decimal(item.get("population_ratio"), subject=subject, field="population_ratio"),
            members=tuple(codes) if codes is not None else None,
        ))
    guarantee = data.get("guarantee")
    return Plan(members=tuple(members), pools=tuple(pools),
                guarantee=None if guarantee is None else _decimal(guarantee, subject="plan", field="guarantee"))


def plan_to_json(plan: Plan) -> dict:
    return {
        "guarantee": None if plan.guarantee is None else str(plan.guarantee),
        "members": [
            {"code": m.code, "name": m.name, "population": m.population, "current_cost": m.current_cost,
             **({} if m.guaranteed else {"guaranteed": False})}
            for m in plan.members
        ],
        "pools": [
            {"name": p.name, "amount": p.amount, "equal_ratio": str(p.equal_ratio),
             "population_ratio": str(p.population_ratio), **({} if p.members is None else {"members": list(p.members)})}
            for p in plan.pools
        ],
    }


def result_to_json(result: AllocationResult) -> dict:
    return {
        "total": result.total,
        "members": [
            {"code": m.code, "pools": dict(m.pools), "base": m.base, "adjustment": m.adjustment, "share": m.share,
             "current_cost": m.current_cost, "saving": m.saving,
             "saving_ratio": None if m.saving_ratio is None else str(m.saving_ratio)}
            for m in result.members
        ],
    }
