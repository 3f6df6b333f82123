"""A procurement case as an Open Contracting Data Standard 1.1 release package.

Built from what the selectors fetched, with no query of its own. Vendors are
identified by their corporate number under the org-id scheme ``JP-JCN``; the buyer is
the consortium.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.procurement.models import ProposalStatus, Stage

VERSION = "1.1"
VENDOR_SCHEME = "JP-JCN"
# Each proposal is a bid (bids.details), so a vendor that withdrew or was disqualified is
# said to be one: tender.tenderers has no status of its own.
BID_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
# OCDS tender.status for each stage of a case still under way (a case is awarded, in
# negotiation or closed with a selection: complete).
TENDER_STATUS = {
    Stage.MARKET_SURVEY: "planning", Stage.RFI: "planning", Stage.RFP: "active", Stage.EVALUATION: "active",
    Stage.AWARDED: "complete", Stage.NEGOTIATION: "complete",
}
PLANNING_STAGES = (Stage.MARKET_SURVEY, Stage.RFI)


def _closed_unawarded(stages_reached: set[str], evaluation) -> tuple[str, list[str]]:
    """tender.status and the release's tags of a case closed with no selection, by how far
    it went (OCDS 1.1 codelists): evaluated and no award made, unsuccessful; closed once
    proposals were asked for but before their evaluation, cancelled (a tender cancellation);
    closed while still planned, a pipeline proposal withdrawn (a planning update). Never
    complete: that is a tender that ended in its award."""
    if Stage.EVALUATION in stages_reached or (evaluation and evaluation.is_closed):
        return "unsuccessful", ["tender"]
    if Stage.RFP in stages_reached or evaluation:
        return "cancelled", ["tender", "tenderCancellation"]
    return "withdrawn", ["planningUpdate"]


def _iso(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _vendor_party(vendor, roles: list[str]) -> dict:
    party = {
        "id": f"{VENDOR_SCHEME}-{vendor.corporate_number}",
        "name": vendor.name,
        "identifier": {"scheme": VENDOR_SCHEME, "id": vendor.corporate_number, "legalName": vendor.name},
        "roles": roles,
    }
    if vendor.address:
        party["address"] = {"streetAddress": vendor.address, "countryName": "Japan"}
    contact = {key: value for key, value in (("name", vendor.contact), ("email", vendor.email)) if value}
    if contact:
        party["contactPoint"] = contact
    return party


def _bid_status(proposal, evaluation) -> str:
    """The bid extension's bidStatus: withdrawn or disqualified as recorded; otherwise
    pending while it is being scored, valid once scoring has closed."""
    if proposal.status in (ProposalStatus.WITHDRAWN, ProposalStatus.DISQUALIFIED):
        return str(proposal.status)
    return "valid" if evaluation.is_closed else "pending"


def _status_and_tags(case, evaluation, selected, stages_reached: set[str]) -> tuple[str, list[str]]:
    # The selection decides, not the stage: a case awarded is complete whatever stage it shows.
    if selected:
        return "complete", ["tender", "award"]
    if case.stage == Stage.CLOSED:
        return _closed_unawarded(stages_reached, evaluation)
    return TENDER_STATUS[case.stage], ["planning"] if case.stage in PLANNING_STAGES else ["tender"]


def release_package(*, case, evaluation, proposals, systems, stages_reached: set[str], uri: str, prefix: str,
                    published: datetime.datetime) -> dict:
    """``stages_reached``: every stage of the case's history, which tells how far a case
    closed without a selection went."""
    ocid = f"{prefix}-{case.consortium.slug}-{case.pk}"
    buyer = {"id": f"consortium-{case.consortium.slug}", "name": case.consortium.name}
    selected = evaluation.selected_proposal if evaluation and evaluation.is_selected else None
    changed = timezone.localtime(max(moment for moment in (case.updated_at, evaluation and evaluation.updated_at)
                                     if moment))
    parties = [{**buyer, "roles": ["buyer", "procuringEntity"]}]
    parties += [_vendor_party(proposal.vendor, ["tenderer", "supplier"] if selected and proposal.pk == selected.pk
                              else ["tenderer"]) for proposal in proposals]
    status, tags = _status_and_tags(case, evaluation, selected, stages_reached)
    tender = {
        "id": f"{ocid}-tender",
        "title": case.title,
        "status": status,
        "procuringEntity": buyer,
        "items": [{"id": system.code, "description": system.name_ja,
                   "classification": {"scheme": "x_businessSystem", "id": system.code,
                                      "description": system.name_en}} for system in systems],
        "awardCriteria": "ratedCriteria",
        "tenderers": [{"id": f"{VENDOR_SCHEME}-{p.vendor.corporate_number}", "name": p.vendor.name}
                      for p in proposals],
        "numberOfTenderers": len(proposals),
    }
    if case.notes:
        tender["description"] = case.notes
    if evaluation:
        # In the release's language (ja), as its other texts are.
        tender["awardCriteriaDetails"] = (f"技術点（評価者ごとの得点の平均）と価格点の合計。"
                                          f"価格点 ＝ {evaluation.price_points_max} × 最低提案価格 ÷ 当該提案価格。")
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{changed:%Y%m%dT%H%M%S}",
        "date": _iso(changed),
        "tag": tags,
        "initiationType": "tender",
        "language": "ja",
        "parties": parties,
        "buyer": buyer,
        "tender": tender,
    }
    if proposals:
        release["bids"] = {"details": [
            {"id": f"{ocid}-bid-{proposal.pk}", "status": _bid_status(proposal, evaluation),
             "tenderers": [{"id": f"{VENDOR_SCHEME}-{proposal.vendor.corporate_number}", "name": proposal.vendor.name}]}
            for proposal in proposals]}
    if selected:
        release["awards"] = [{
            "id": f"{ocid}-award-1",
            "title": case.title,
            "description": evaluation.selection_reason,
            "status": "active",
            "date": _iso(evaluation.selected_at),
            "value": {"amount": selected.price, "currency": "JPY"},
            "suppliers": [{"id": f"{VENDOR_SCHEME}-{selected.vendor.corporate_number}", "name": selected.vendor.name}],
        }]
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": [BID_EXTENSION],
        "publishedDate": _iso(published),
        "publisher": {"name": case.consortium.name},
        "releases": [release],
    }
