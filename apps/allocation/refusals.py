"""The engine's refusals in the user's words. The engine (apps.allocation.engine) writes
them for the command line, in English and by code («member 113018: current_cost is
unknown… "guaranteed": false»); the pages say the same in the reader's language, naming
members by name and saying what to do on the pages that exist."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.allocation.engine import AllocationError
from apps.core.formatting import group_digits, names_joined, ratio_percent


def refusal_text(error: AllocationError, names: dict[str, str]) -> str:
    params = error.params
    member = names.get(params.get("code"), params.get("code"))
    if error.reason == "population_missing":
        return _("%(member)s has no population recorded on or before the plan's population basis date: "
                 "record it on the member's page, or move the basis date.") % {"member": member}
    if error.reason == "cost_unknown":
        members = names_joined(names.get(code, code) for code in params.get("codes", [params.get("code")]))
        return _("%(member)s has no current cost for the plan's cost year, so its saving cannot be guaranteed: "
                 "enter its costs, or leave it out of the guarantee under «Guarantee» on the plan's page.") % {
            "member": members}
    if error.reason == "guarantee_unmet" and params["largest"] is None:
        return _("No saving can be guaranteed: the guaranteed members pay %(current)s yen today in all, less than "
                 "the %(total)s yen to be shared. Remove the guarantee, or leave members out of it under "
                 "«Guarantee» on the plan's page.") % {
            "current": group_digits(params["current_total"]), "total": group_digits(params["total"])}
    if error.reason == "guarantee_unmet":
        return _("A guaranteed saving of %(guarantee)s cannot be met: with every guaranteed member paying at most "
                 "its cap, %(shortfall)s yen of the %(total)s yen would be left unpaid. The largest saving that "
                 "can be guaranteed is %(largest)s.") % {
            "guarantee": ratio_percent(params["guarantee"]), "shortfall": group_digits(params["shortfall"]),
            "total": group_digits(params["total"]), "largest": ratio_percent(params["largest"], 2)}
    if error.reason == "pool_empty":
        return _("The pool “%(pool)s” has no member.") % {"pool": params["pool"]}
    if error.reason == "pool_no_population":
        return _("The pool “%(pool)s” is shared by population, but its members' populations add up to zero.") % {
            "pool": params["pool"]}
    return str(error)  # inputs the forms already refuse; the engine's own words
