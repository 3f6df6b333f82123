"""Turns the engine's JSON results into rows for pages and reports (no queries)."""

from __future__ import annotations

import datetime
from fractions import Fraction

from apps.core.ratios import RoundedRatio


def saving_ratio(member: dict) -> RoundedRatio | None:
    """A member's saving ratio as the engine gave it (4 places), carrying the exact saving ÷
    current cost it was rounded from, which is what a page rounds to the places it shows."""
    ratio = member.get("saving_ratio")
    if ratio is None:
        return None
    return RoundedRatio(ratio, exact=Fraction(member["saving"], member["current_cost"]))


def result_rows(result: dict, names: dict[str, str], *, pool_names: list[str] = (),
                populations: dict[str, int | None] | None = None,
                population_dates: dict[str, datetime.date | None] | None = None) -> list[dict]:
    """Per member, the engine's figures and what allocation.md's step 5 reports beside them:
    its share of each pool (``pool_shares``, in the order of ``pool_names``; None for a pool
    it is not in), and the population it was counted with, and that population's date."""
    populations, population_dates = populations or {}, population_dates or {}
    return [{**member, "name": names.get(member["code"], member["code"]), "saving_ratio": saving_ratio(member),
             "pool_shares": [member["pools"].get(name) for name in pool_names],
             "population": populations.get(member["code"]), "population_as_of": population_dates.get(member["code"])}
            for member in result["members"]]


def everyone_better_off(result: dict) -> bool:
    """Every member with a known current cost saves something."""
    return all(member["saving"] is None or member["saving"] > 0 for member in result["members"])


def scenario_table(scenario_results, names: dict[str, str]) -> dict:
    """Members down the side, scenarios across: share, saving and saving ratio each."""
    columns = []
    by_code: dict[str, dict] = {}
    for scenario, result, error in scenario_results:
        columns.append({"scenario": scenario, "error": error,
                        "total": result["total"] if result else None,
                        "better_off": everyone_better_off(result) if result else False})
        for member in (result or {}).get("members", []):
            row = by_code.setdefault(member["code"], {"code": member["code"], "name": names.get(member["code"], ""),
                                                      "current_cost": member.get("current_cost"), "cells": {}})
            row["cells"][scenario.pk] = {**member, "saving_ratio": saving_ratio(member)}
    rows = [by_code[code] for code in sorted(by_code)]
    for row in rows:
        row["cells"] = [row["cells"].get(column["scenario"].pk) for column in columns]
    return {"columns": columns, "rows": rows}
