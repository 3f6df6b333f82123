"""Turns the engine's JSON results into rows for pages and reports (no queries)."""

from __future__ import annotations

from decimal import Decimal


def result_rows(result: dict, names: dict[str, str]) -> list[dict]:
    rows = []
    for member in result["members"]:
        ratio = member.get("saving_ratio")
        rows.append({**member, "name": names.get(member["code"], member["code"]),
                     "saving_ratio": Decimal(ratio) if ratio is not None else None})
    return rows


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
            ratio = member.get("saving_ratio")
            row["cells"][scenario.pk] = {**member, "saving_ratio": Decimal(ratio) if ratio is not None else None}
    rows = [by_code[code] for code in sorted(by_code)]
    for row in rows:
        row["cells"] = [row["cells"].get(column["scenario"].pk) for column in columns]
    return {"columns": columns, "rows": rows}
