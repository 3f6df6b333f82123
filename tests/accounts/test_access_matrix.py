"""Every URL pattern of the project, for every role, with the status each must get.

A new pattern without an entry in EXPECTED fails ``test_every_url_pattern_is_in_the_matrix``,
so no page escapes the matrix. 200 = allowed, 302 = sent to log in (anonymous) or
redirected, 403 = in scope but not permitted, 404 = outside the user's scope (its
existence does not leak), 405 = a POST-only action asked with GET.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.models import Role, RoleAssignment
from apps.agreements import services as agreements
from apps.agreements.models import Article, Contract, Customisation
from apps.meetings import services as meetings
from apps.meetings.feed_tokens import feed_token
from apps.procurement import services as procurement
from apps.procurement.corporate_number import check_digit as corporate_check_digit
from apps.members.models import Consortium
from apps.allocation import services as allocation
from apps.costs.models import ImportJob, SurveyRound
from apps.reports import services as reports
from apps.reports.models import Batch, Kind
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

ROLES = ["anonymous", "secretariat_a", "secretariat_b", "staff_x", "staff_y", "mayor_x", "observer_a"]


def everyone(status):
    return {role: (302 if role == "anonymous" else status) for role in ROLES}


def rule(*, secretariat_a, secretariat_b, staff_x, staff_y, mayor_x, observer_a):
    return {"anonymous": 302, "secretariat_a": secretariat_a, "secretariat_b": secretariat_b, "staff_x": staff_x,
            "staff_y": staff_y, "mayor_x": mayor_x, "observer_a": observer_a}


SECRETARIAT_PAGE = rule(secretariat_a=200, secretariat_b=404, staff_x=403, staff_y=403, mayor_x=403, observer_a=200)
MANAGE_PAGE = rule(secretariat_a=200, secretariat_b=404, staff_x=403, staff_y=403, mayor_x=403, observer_a=403)
BODY_X_PAGE = rule(secretariat_a=200, secretariat_b=404, staff_x=200, staff_y=404, mayor_x=200, observer_a=200)
DRAFT_PLAN_READ = rule(secretariat_a=200, secretariat_b=404, staff_x=404, staff_y=404, mayor_x=404, observer_a=200)
DRAFT_PLAN_MANAGE = rule(secretariat_a=200, secretariat_b=404, staff_x=404, staff_y=404, mayor_x=404, observer_a=403)
PUBLISHED_PLAN = rule(secretariat_a=200, secretariat_b=404, staff_x=200, staff_y=200, mayor_x=200, observer_a=200)
POST_ONLY = everyone(405)
# Agreements: members read the versions under review or concluded, never drafts; a
# signature or an individual contract belongs to one body.
BODY_X_MANAGE = rule(secretariat_a=200, secretariat_b=404, staff_x=403, staff_y=404, mayor_x=403, observer_a=403)
FROZEN_FOR_ALL = rule(secretariat_a=403, secretariat_b=404, staff_x=403, staff_y=403, mayor_x=403, observer_a=403)
# Read by everyone in the consortium, members included (meetings and their materials).
CONSORTIUM_READ = rule(secretariat_a=200, secretariat_b=404, staff_x=200, staff_y=200, mayor_x=200, observer_a=200)
OTHER_CONSORTIUM = rule(secretariat_a=404, secretariat_b=200, staff_x=404, staff_y=404, mayor_x=404, observer_a=404)


def customisation_in(w, *, body):
    """A customisation request in consortium a, for all members or for ``body``."""
    key = f"customisation_{body.pk if body else 'all'}"
    if key not in w:
        w[key] = agreements.customisation_save(customisation=Customisation(
            consortium=Consortium.objects.get(slug="a"), title="帳票の追加", cost=1_000_000,
            scope=Customisation.Scope.ONE if body else Customisation.Scope.ALL, body=body,
            payer=Customisation.Payer.ALL_MEMBERS, requested_on=datetime.date(2026, 5, 1)))
    return w[key]


def meeting_in(w, slug):
    """A meeting of consortium ``slug`` with one agenda document, one decision and one
    action, made on first use."""
    key = f"meeting_{slug}"
    if key not in w:
        consortium = Consortium.objects.get(slug=slug)
        meeting = meetings.meeting_save(consortium=consortium, title=f"第1回 {slug}", starts_at=timezone.now())
        meetings.agenda_item_add(meeting=meeting, title="経費比較", document=SimpleUploadedFile("資料1.pdf", b"%PDF-1.4"))
        meetings.action_add(meeting=meeting, text="回答を提出")
        meetings.decision_record(meeting=meeting, text="按分案を了承する", outcome="agreed", positions={})
        w[key] = meeting
    return w[key]


def held_meeting_in(w, slug):
    """A meeting of consortium ``slug`` held yesterday: one with minutes to print."""
    key = f"held_meeting_{slug}"
    if key not in w:
        w[key] = meetings.meeting_save(consortium=Consortium.objects.get(slug=slug), title=f"第0回 {slug}",
                                       starts_at=timezone.now() - datetime.timedelta(days=1), status="held")
    return w[key]

def procurement_in(w, slug):
    """A case of consortium ``slug`` with an RFI round answered by one vendor and an open
    evaluation that the consortium's secretariat scores, made on first use."""
    key = f"procurement_{slug}"
    if key not in w:
        consortium = Consortium.objects.get(slug=slug)
        base = f"{ord(slug):012d}"
        company = procurement.vendor_create(name=f"デモ事業者 {slug}",
                                            corporate_number=f"{corporate_check_digit(base)}{base}")
        case = procurement.case_create(consortium=consortium, title=f"基幹系 調達 {slug}")
        rfi_round = procurement.rfi_round_create(
            case=case, title="情報提供依頼", issued_on=datetime.date(2025, 6, 1), due_on=datetime.date(2025, 7, 1),
            first_fiscal_year=2026, last_fiscal_year=2026, cost_fiscal_year=2025, invited=[company])
        response = procurement.rfi_response_record(rfi_round=rfi_round, vendor=company,
                                                   received_on=datetime.date(2025, 6, 20))
        evaluation = procurement.evaluation_setup(case=case, price_points_max=30,
                                                  evaluators=[w["users"][f"secretariat_{slug}"]])
        procurement.criterion_add(evaluation=evaluation, name="機能", max_points=10)
        procurement.proposal_add(evaluation=evaluation, vendor=company, price=1_000_000)
        w[key] = {"case": case, "rfi": rfi_round, "response": response, "evaluation": evaluation}
    return w[key]


# url name → (how to build its arguments from the world, expected status per role)
EXPECTED = {
    "home": (lambda w: {}, everyone(302)),
    "login": (lambda w: {}, {role: 200 for role in ROLES}),
    "logout": (lambda w: {}, everyone(200)),  # a page with the logout button
    "password_change": (lambda w: {}, everyone(200)),
    "password_change_done": (lambda w: {}, everyone(200)),
    "set_language": (lambda w: {}, {role: 302 for role in ROLES}),
    "healthz": (lambda w: {}, {role: 200 for role in ROLES}),
    "consortium_list": (lambda w: {}, everyone(200)),
    "audit_trail": (lambda w: {}, rule(secretariat_a=200, secretariat_b=200, staff_x=403, staff_y=403, mayor_x=403,
                                       observer_a=403)),
    "consortium_dashboard": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),
    "member_list": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),
    "members_csv": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "members_xlsx": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "cost_comparison": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),  # unpublished: members get 403
    "cost_comparison_csv": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),
    "cost_comparison_xlsx": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),
    "import_bodies": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "import_costs": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "import_bodies_template": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "import_costs_template": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "import_job": (lambda w: {"slug": "a", "pk": w["import_job"].pk}, MANAGE_PAGE),
    "import_job_progress": (lambda w: {"slug": "a", "pk": w["import_job"].pk}, MANAGE_PAGE),
    "import_job_retry": (lambda w: {"slug": "a", "pk": w["import_job"].pk}, POST_ONLY),
    "member_add": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "member_status_bulk": (lambda w: {"slug": "a"}, POST_ONLY),
    "consortium_settings": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "business_systems": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "member_manage": (lambda w: {"slug": "a", "code": w["x"].code}, MANAGE_PAGE),
    "body_detail": (lambda w: {"code": w["x"].code}, BODY_X_PAGE),
    "body_costs": (lambda w: {"code": w["x"].code}, BODY_X_PAGE),
    "body_costs_edit": (lambda w: {"code": w["x"].code, "year": 2025},
                        rule(secretariat_a=200, secretariat_b=404, staff_x=200, staff_y=404, mayor_x=403,
                             observer_a=403)),
    "body_costs_copy_previous_year": (lambda w: {"code": w["x"].code, "year": 2025}, POST_ONLY),
    "body_costs_upload": (lambda w: {"code": w["x"].code, "year": 2025},
                          rule(secretariat_a=200, secretariat_b=404, staff_x=200, staff_y=404, mayor_x=403,
                               observer_a=403)),
    "body_costs_sheet_csv": (lambda w: {"code": w["x"].code, "year": 2025}, BODY_X_PAGE),
    "body_costs_sheet_xlsx": (lambda w: {"code": w["x"].code, "year": 2025}, BODY_X_PAGE),
    "survey_response": (lambda w: {"code": w["x"].code, "round_id": w["round"].pk}, POST_ONLY),
    "survey_rounds": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),
    "survey_round_detail": (lambda w: {"slug": "a", "round_id": w["round"].pk}, SECRETARIAT_PAGE),
    "survey_round_action": (lambda w: {"slug": "a", "round_id": w["round"].pk}, POST_ONLY),
    "people": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "person_deactivate": (lambda w: {"slug": "a", "user_id": w["users"]["staff_y"].pk}, POST_ONLY),
    "person_unlock": (lambda w: {"slug": "a", "user_id": w["users"]["staff_y"].pk}, POST_ONLY),
    "password_reset_confirm": (lambda w: {"uidb64": "MQ", "token": "bad-token"}, {role: 200 for role in ROLES}),
    "password_reset_complete": (lambda w: {}, {role: 200 for role in ROLES}),
    "password_reset": (lambda w: {}, {role: 200 for role in ROLES}),
    "password_reset_done": (lambda w: {}, {role: 200 for role in ROLES}),
    "plan_list": (lambda w: {"slug": "a"},
                  rule(secretariat_a=200, secretariat_b=404, staff_x=200, staff_y=200, mayor_x=200, observer_a=200)),
    "plan_create": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "plan_detail": (lambda w: {"pk": w["draft"].pk}, DRAFT_PLAN_READ),
    "plan_preview": (lambda w: {"pk": w["draft"].pk}, DRAFT_PLAN_MANAGE),
    "plan_result_csv": (lambda w: {"pk": w["draft"].pk}, DRAFT_PLAN_READ),
    "plan_edit": (lambda w: {"pk": w["draft"].pk}, DRAFT_PLAN_MANAGE),
    "plan_pools": (lambda w: {"pk": w["draft"].pk}, DRAFT_PLAN_MANAGE),
    "plan_guarantees": (lambda w: {"pk": w["draft"].pk}, DRAFT_PLAN_MANAGE),
    "plan_scenarios": (lambda w: {"pk": w["draft"].pk}, DRAFT_PLAN_READ),
    "plan_members_sync": (lambda w: {"pk": w["draft"].pk}, POST_ONLY),
    "plan_publish": (lambda w: {"pk": w["draft"].pk}, POST_ONLY),
    "plan_revise": (lambda w: {"pk": w["published"].pk}, POST_ONLY),
    "report_list": (lambda w: {"slug": "a"}, PUBLISHED_PLAN),  # each sees only the reports meant for them
    "report_progress": (lambda w: {"slug": "a"}, MANAGE_PAGE),  # the reports being made, for those who make them
    "report_download": (lambda w: {"pk": w["briefing_x"].pk}, BODY_X_PAGE),
    "report_send": (lambda w: {"pk": w["briefing_x"].pk}, POST_ONLY),
    "batch_detail": (lambda w: {"pk": w["batch"].pk}, SECRETARIAT_PAGE),
    "batch_progress": (lambda w: {"pk": w["batch"].pk}, SECRETARIAT_PAGE),
    "batch_retry": (lambda w: {"pk": w["batch"].pk}, POST_ONLY),
    "batch_zip": (lambda w: {"pk": w["batch"].pk}, SECRETARIAT_PAGE),  # read, like each briefing in it
    "batch_send": (lambda w: {"pk": w["batch"].pk}, POST_ONLY),
    "agreement_list": (lambda w: {"slug": "a"}, PUBLISHED_PLAN),
    "agreement_create": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "agreement_detail": (lambda w: {"pk": w["agreement_review"].pk}, PUBLISHED_PLAN),
    "agreement_pdf": (lambda w: {"pk": w["agreement_review"].pk}, PUBLISHED_PLAN),
    "article_create": (lambda w: {"pk": w["agreement_draft"].pk}, DRAFT_PLAN_MANAGE),
    "article_edit": (lambda w: {"pk": w["agreement_draft"].articles.get().pk}, DRAFT_PLAN_MANAGE),
    "article_delete": (lambda w: {"pk": w["agreement_draft"].articles.get().pk}, POST_ONLY),
    "agreement_review": (lambda w: {"pk": w["agreement_draft"].pk}, POST_ONLY),
    "agreement_conclude": (lambda w: {"pk": w["agreement_review"].pk}, POST_ONLY),
    "agreement_redraft": (lambda w: {"pk": w["agreement_review"].pk}, POST_ONLY),
    "agreement_amend": (lambda w: {"pk": w["agreement_review"].pk}, POST_ONLY),
    "agreement_withdraw": (lambda w: {"pk": w["agreement_review"].pk}, POST_ONLY),
    "signature_record": (lambda w: {"pk": w["agreement_review"].signatures.get(body=w["x"]).pk}, BODY_X_MANAGE),
    "contract_list": (lambda w: {"slug": "a"}, PUBLISHED_PLAN),
    "contract_create": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "contract_detail": (lambda w: {"pk": w["contract_bulk"].pk}, PUBLISHED_PLAN),
    "contract_edit": (lambda w: {"pk": w["contract_x"].pk}, BODY_X_MANAGE),
    "customisation_list": (lambda w: {"slug": "a"}, CONSORTIUM_READ),
    "customisation_create": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "customisation_detail": (lambda w: {"pk": customisation_in(w, body=None).pk}, CONSORTIUM_READ),
    "customisation_edit": (lambda w: {"pk": customisation_in(w, body=None).pk}, MANAGE_PAGE),
    "customisation_decide": (lambda w: {"pk": customisation_in(w, body=None).pk}, POST_ONLY),
    "customisation_done": (lambda w: {"pk": customisation_in(w, body=None).pk}, POST_ONLY),
    "meeting_list": (lambda w: {"slug": "a"}, CONSORTIUM_READ),
    "meeting_create": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "meetings_ics": (lambda w: {"slug": "a"}, CONSORTIUM_READ),
    # A private calendar address: whoever holds staff X's address reads staff X's view.
    "meetings_feed": (lambda w: {"slug": "a", "token": feed_token(user=w["users"]["staff_x"],
                                                                 consortium=Consortium.objects.get(slug="a"))},
                      {role: 200 for role in ROLES}),
    "meetings_feed_reissue": (lambda w: {"slug": "a"}, POST_ONLY),
    # Open action items: a town's users read their own body's only (tests/meetings/test_action_items_page.py).
    "action_list": (lambda w: {"slug": "a"}, CONSORTIUM_READ),
    "meeting_detail": (lambda w: {"pk": meeting_in(w, "a").pk}, CONSORTIUM_READ),
    "minutes_pdf": (lambda w: {"pk": held_meeting_in(w, "a").pk}, CONSORTIUM_READ),
    "meeting_edit": (lambda w: {"pk": meeting_in(w, "a").pk}, MANAGE_PAGE),
    "agenda_add": (lambda w: {"pk": meeting_in(w, "a").pk}, MANAGE_PAGE),
    "attendance_edit": (lambda w: {"pk": meeting_in(w, "a").pk}, MANAGE_PAGE),
    "decision_add": (lambda w: {"pk": meeting_in(w, "a").pk}, MANAGE_PAGE),
    "action_add": (lambda w: {"pk": meeting_in(w, "a").pk}, MANAGE_PAGE),
    "meeting_notify": (lambda w: {"pk": meeting_in(w, "a").pk}, POST_ONLY),
    "meeting_cancel": (lambda w: {"pk": meeting_in(w, "a").pk}, POST_ONLY),
    "meeting_restore": (lambda w: {"pk": meeting_in(w, "a").pk}, POST_ONLY),
    "meeting_cancellation_notify": (lambda w: {"pk": meeting_in(w, "a").pk}, POST_ONLY),
    "meeting_delete": (lambda w: {"pk": meeting_in(w, "a").pk}, POST_ONLY),
    "agenda_document": (lambda w: {"pk": meeting_in(w, "a").agenda.get().pk}, CONSORTIUM_READ),
    "agenda_edit": (lambda w: {"pk": meeting_in(w, "a").agenda.get().pk}, MANAGE_PAGE),
    "agenda_delete": (lambda w: {"pk": meeting_in(w, "a").agenda.get().pk}, POST_ONLY),
    "agenda_move_up": (lambda w: {"pk": meeting_in(w, "a").agenda.get().pk}, POST_ONLY),
    "decision_edit": (lambda w: {"pk": meeting_in(w, "a").decisions.get().pk}, MANAGE_PAGE),
    "decision_delete": (lambda w: {"pk": meeting_in(w, "a").decisions.get().pk}, POST_ONLY),
    "action_edit": (lambda w: {"pk": meeting_in(w, "a").actions.get().pk}, MANAGE_PAGE),
    "action_delete": (lambda w: {"pk": meeting_in(w, "a").actions.get().pk}, POST_ONLY),
    "action_done": (lambda w: {"pk": meeting_in(w, "a").actions.get().pk}, POST_ONLY),
    "action_reopen": (lambda w: {"pk": meeting_in(w, "a").actions.get().pk}, POST_ONLY),
    # Procurement is the secretariat's work: observers read it, members never reach it.
    "procurement_list": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),
    "procurement_create": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "vendor_list": (lambda w: {"slug": "a"}, SECRETARIAT_PAGE),
    "vendor_create": (lambda w: {"slug": "a"}, MANAGE_PAGE),
    "procurement_edit": (lambda w: {"pk": procurement_in(w, "a")["case"].pk}, MANAGE_PAGE),
    "vendor_edit": (lambda w: {"slug": "a", "pk": procurement_in(w, "a")["response"].vendor_id}, MANAGE_PAGE),
    "procurement_ocds": (lambda w: {"slug": "a", "pk": procurement_in(w, "a")["case"].pk}, SECRETARIAT_PAGE),
    "procurement_detail": (lambda w: {"pk": procurement_in(w, "a")["case"].pk}, SECRETARIAT_PAGE),
    "procurement_stage": (lambda w: {"pk": procurement_in(w, "a")["case"].pk}, MANAGE_PAGE),
    "rfi_create": (lambda w: {"pk": procurement_in(w, "a")["case"].pk}, MANAGE_PAGE),
    "evaluation_setup": (lambda w: {"pk": procurement_in(w, "a")["case"].pk}, MANAGE_PAGE),
    "rfi_detail": (lambda w: {"pk": procurement_in(w, "a")["rfi"].pk}, SECRETARIAT_PAGE),
    "rfi_response_create": (lambda w: {"pk": procurement_in(w, "a")["rfi"].pk}, MANAGE_PAGE),
    "rfi_edit": (lambda w: {"pk": procurement_in(w, "a")["rfi"].pk}, MANAGE_PAGE),
    "rfi_response_edit": (lambda w: {"pk": procurement_in(w, "a")["response"].pk}, MANAGE_PAGE),
    "rfi_response_delete": (lambda w: {"pk": procurement_in(w, "a")["response"].pk}, POST_ONLY),
    "quote_entry": (lambda w: {"pk": procurement_in(w, "a")["response"].pk}, MANAGE_PAGE),
    "evaluation_detail": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].pk}, SECRETARIAT_PAGE),
    "criterion_add": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].pk}, MANAGE_PAGE),
    "proposal_add": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].pk}, MANAGE_PAGE),
    "criterion_edit": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].criteria.get().pk}, MANAGE_PAGE),
    "criterion_delete": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].criteria.get().pk}, POST_ONLY),
    "proposal_edit": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].proposals.get().pk}, MANAGE_PAGE),
    "proposal_delete": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].proposals.get().pk}, POST_ONLY),
    "proposal_exclude": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].proposals.get().pk}, MANAGE_PAGE),
    "evaluation_score": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].pk}, MANAGE_PAGE),  # evaluators only
    "scoring_close": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].pk}, POST_ONLY),
    "evaluation_select": (lambda w: {"pk": procurement_in(w, "a")["evaluation"].pk}, POST_ONLY),
}

# Published objects are checked too, under names of their own.
EXTRA_CASES = {
    "meetings_feed (forged token)": ("meetings_feed", lambda w: {"slug": "a", "token": "forged:token"},
                                     {role: 404 for role in ROLES}),
    "procurement_detail (other consortium)": (
        "procurement_detail", lambda w: {"pk": procurement_in(w, "b")["case"].pk}, OTHER_CONSORTIUM),
    "procurement_ocds (other consortium)": (
        "procurement_ocds", lambda w: {"slug": "b", "pk": procurement_in(w, "b")["case"].pk}, OTHER_CONSORTIUM),
    "rfi_detail (other consortium)": (
        "rfi_detail", lambda w: {"pk": procurement_in(w, "b")["rfi"].pk}, OTHER_CONSORTIUM),
    "evaluation_detail (other consortium)": (
        "evaluation_detail", lambda w: {"pk": procurement_in(w, "b")["evaluation"].pk}, OTHER_CONSORTIUM),
    "customisation_detail (body X's own)": (
        "customisation_detail", lambda w: {"pk": customisation_in(w, body=w["x"]).pk}, BODY_X_PAGE),
    "action_list (other consortium)": ("action_list", lambda w: {"slug": "b"}, OTHER_CONSORTIUM),
    "meeting_detail (other consortium)": ("meeting_detail", lambda w: {"pk": meeting_in(w, "b").pk}, OTHER_CONSORTIUM),
    "minutes_pdf (other consortium)": ("minutes_pdf", lambda w: {"pk": held_meeting_in(w, "b").pk},
                                       OTHER_CONSORTIUM),
    "agenda_document (other consortium)": (
        "agenda_document", lambda w: {"pk": meeting_in(w, "b").agenda.get().pk}, OTHER_CONSORTIUM),
    "decision_edit (other consortium)": (
        "decision_edit", lambda w: {"pk": meeting_in(w, "b").decisions.get().pk},
        rule(secretariat_a=404, secretariat_b=200, staff_x=404, staff_y=404, mayor_x=404, observer_a=404)),
    "survey_round_detail (another consortium's round)": (
        "survey_round_detail",
        lambda w: {"slug": "a", "round_id": SurveyRoundFactory(consortium=w["z"].participations.get().consortium,
                                                               fiscal_year=2024).pk},
        rule(secretariat_a=404, secretariat_b=404, staff_x=403, staff_y=403, mayor_x=403, observer_a=404)),
    "member_manage (a body of another council)": (
        "member_manage", lambda w: {"slug": "a", "code": w["z"].code},
        rule(secretariat_a=404, secretariat_b=404, staff_x=403, staff_y=403, mayor_x=403, observer_a=403)),
    "plan_detail (published)": ("plan_detail", lambda w: {"pk": w["published"].pk}, PUBLISHED_PLAN),
    "plan_scenarios (published)": ("plan_scenarios", lambda w: {"pk": w["published"].pk}, PUBLISHED_PLAN),
    "plan_result_csv (published)": ("plan_result_csv", lambda w: {"pk": w["published"].pk}, PUBLISHED_PLAN),
    "plan_guarantees (published)": ("plan_guarantees", lambda w: {"pk": w["published"].pk},
                                    rule(secretariat_a=403, secretariat_b=404, staff_x=403, staff_y=403, mayor_x=403,
                                         observer_a=403)),
    "plan_edit (published)": ("plan_edit", lambda w: {"pk": w["published"].pk},
                              rule(secretariat_a=403, secretariat_b=404, staff_x=403, staff_y=403, mayor_x=403,
                                   observer_a=403)),
    "body_detail (other consortium)": ("body_detail", lambda w: {"code": w["z"].code},
                                       rule(secretariat_a=404, secretariat_b=200, staff_x=404, staff_y=404,
                                            mayor_x=404, observer_a=404)),
    "report_download (body Y's briefing)": (
        "report_download", lambda w: {"pk": w["briefing_y"].pk},
        rule(secretariat_a=200, secretariat_b=404, staff_x=404, staff_y=200, mayor_x=404, observer_a=200)),
    "report_download (unpublished comparison)": (
        "report_download", lambda w: {"pk": w["comparison"].pk},
        rule(secretariat_a=200, secretariat_b=404, staff_x=404, staff_y=404, mayor_x=404, observer_a=200)),
    "contract_detail (body X's contract)": ("contract_detail", lambda w: {"pk": w["contract_x"].pk}, BODY_X_PAGE),
    "agreement_detail (draft)": ("agreement_detail", lambda w: {"pk": w["agreement_draft"].pk}, DRAFT_PLAN_READ),
    "agreement_pdf (draft)": ("agreement_pdf", lambda w: {"pk": w["agreement_draft"].pk}, DRAFT_PLAN_READ),
    "article_create (under review)": ("article_create", lambda w: {"pk": w["agreement_review"].pk}, FROZEN_FOR_ALL),
}

# Django admin is its own site: its many patterns share one rule, checked on its index
# and on every registered model's change list in test_admin_is_for_administrators_only.
ADMIN_NAMESPACE = "admin"


def project_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace != ADMIN_NAMESPACE:
                assert entry.name, f"URL pattern {entry.pattern} has no name, so the matrix cannot cover it"
                names.add(entry.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_pattern_is_in_the_matrix():
    missing = project_url_names() - set(EXPECTED)
    assert not missing, f"add these URL names to EXPECTED with their expected statuses: {sorted(missing)}"


@pytest.fixture
def world(db):
    a = ConsortiumFactory(slug="a")
    b = ConsortiumFactory(slug="b")
    x = member_of(a, name="伊奈町", population=40000, cost=100_000_000)
    y = member_of(a, name="三芳町", population=30000, cost=80_000_000)
    z = member_of(b, name="香芝市", population=70000, cost=150_000_000)
    survey_round = SurveyRoundFactory(consortium=a, fiscal_year=2025, status=SurveyRound.Status.OPEN)
    pools = [{"name": "基幹系", "amount": 100_000_000, "equal_ratio": Decimal("0.3"),
              "population_ratio": Decimal("0.7")}]
    common = {"consortium": a, "fiscal_year": 2026, "cost_fiscal_year": 2025,
              "population_basis_date": datetime.date(2025, 6, 1)}
    published = allocation.plan_create(name="確定", pools=[dict(p) for p in pools], **common)
    users = {
        "anonymous": None,
        "secretariat_a": user_with_role(Role.SECRETARIAT, consortium=a),
        "secretariat_b": user_with_role(Role.SECRETARIAT, consortium=b),
        "staff_x": user_with_role(Role.STAFF, body=x),
        "staff_y": user_with_role(Role.STAFF, body=y),
        "mayor_x": user_with_role(Role.MAYOR, body=x),
        "observer_a": user_with_role(Role.OBSERVER, consortium=a),
    }
    # Published from the locked figures; the year reopened since (the survey pages' rows below).
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.LOCKED)
    allocation.plan_publish(plan=published, by=users["secretariat_a"])
    SurveyRound.objects.filter(pk=survey_round.pk).update(status=SurveyRound.Status.OPEN)
    draft = allocation.plan_create(name="案", pools=[dict(p) for p in pools], **common)
    archived = {f"briefing_{key}": rendered(Kind.BRIEFING, a, published, users["secretariat_a"], body=body)
               for key, body in (("x", x), ("y", y))}
    archived["comparison"] = rendered(Kind.SIDE_BY_SIDE, a, published, users["secretariat_a"])
    batch = Batch.objects.create(consortium=a, plan=published, requested_by=users["secretariat_a"])
    import_job = ImportJob.objects.create(kind=ImportJob.Kind.COSTS, consortium=a, upload="matrix",
                                          file_name="costs.csv", params={"fiscal_year": 2025, "unit": "yen"},
                                          requested_by=users["secretariat_a"])
    return {"x": x, "y": y, "z": z, "round": survey_round, "published": published, "draft": draft, "users": users,
            "batch": batch, "import_job": import_job, **archived, **agreements_world(a, x, users)}


def agreements_world(consortium, x, users):
    """Consortium a's version 1 under review (a signature row per member), a draft of a
    second council that a's secretariat and observer also serve (a council has one open
    version at a time), and a contract for body X beside a bulk one."""
    sibling = ConsortiumFactory(slug="a2")
    for role, user in ((Role.SECRETARIAT, users["secretariat_a"]), (Role.OBSERVER, users["observer_a"])):
        RoleAssignment.objects.create(user=user, role=role, consortium=sibling)
    under_review = agreements.agreement_create(consortium=consortium, title="協定書")
    draft = agreements.agreement_create(consortium=sibling, title="協定書")
    for agreement in (under_review, draft):
        agreements.article_save(article=Article(agreement=agreement, number=1, heading="目的", text="共同化を推進する。"))
    agreements.agreement_submit_for_review(agreement=under_review)
    term = {"consortium": consortium, "vendor": "デモクラウド株式会社", "starts_on": datetime.date(2026, 4, 1),
            "ends_on": datetime.date(2031, 3, 31), "annual_amount": 10_000_000, "total_amount": 50_000_000}
    return {"agreement_review": under_review, "agreement_draft": draft,
            "contract_x": agreements.contract_save(contract=Contract(body=x, title="個別契約", **term)),
            "contract_bulk": agreements.contract_save(contract=Contract(body=None, title="一括契約", **term))}


def rendered(kind, consortium, plan, by, body=None):
    job = reports.job_create(kind=kind, consortium=consortium, fiscal_year=2025, plan=plan, body=body,
                             requested_by=by, enqueue=False)
    return reports.job_run(job.pk)


CASES = [(name, name, build, statuses) for name, (build, statuses) in EXPECTED.items()] + [
    (label, name, build, statuses) for label, (name, build, statuses) in EXTRA_CASES.items()]


def test_each_role_gets_exactly_the_expected_status(client, world):
    """One world, every case; all mismatches are reported together."""
    mismatches = []
    for label, name, build, statuses in CASES:
        url = reverse(name, kwargs=build(world))
        for role in ROLES:
            client.logout()
            if world["users"][role] is not None:
                client.force_login(world["users"][role])
            status = client.get(url).status_code
            if status != statuses[role]:
                mismatches.append(f"{label} {url} as {role}: got {status}, expected {statuses[role]}")
    assert not mismatches, "\n".join(mismatches)


def test_admin_is_for_administrators_only(client, world):
    from django.contrib import admin

    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry]
    for role in ROLES:
        client.logout()
        if world["users"][role] is not None:
            client.force_login(world["users"][role])
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, (role, url)
            assert "/admin/login/" in response["Location"] or "/accounts/login/" in response["Location"], (role, url)
