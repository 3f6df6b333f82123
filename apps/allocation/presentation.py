"""Turns the engine's JSON results into rows for pages and reports (no queries)."""

from __future__ import annotations

from fractions import Fraction

from apps.core.ratios import RoundedRatio


def saving_ratio(member: dict) -> RoundedRatio | None:
    """A member's saving ratio as the engine gave it (4 places), carrying the exact saving ÷
    current cost it was rounded from, which is what a page rounds to the places it shows."""
    ratio = member.get("saving_ratio")
    if ratio is None:
        return None
    return RoundedRatio(ratio, exact=Fraction(member["saving"], member["current_cost"]))


def result_rows(result: dict, names: dict[str, str]) -> list[dict]:
    return [{**member, "name": names.get(member["code"], member["code"]), "saving_ratio": saving_ratio(member)}
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
