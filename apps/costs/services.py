"""Writes for costs: the cost entry form and the importers both end here; the survey
rounds the secretariat opens, closes, locks and reminds members of."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, RoleAssignment
from apps.core.formatting import fiscal_year_on_screen, names_joined
from apps.core.mail import japanese_message
from apps.core.unique import save_validated
from apps.costs.models import BodyYearCost, BusinessSystem, CostRecord, SurveyResponse, SurveyRound
from apps.costs.paths import body_costs_path
from apps.costs.selectors import catalogue_for, survey_round_members
from apps.members.models import Consortium, MemberBody, consortia_of

SUBMITTED_OR_ACCEPTED = {SurveyResponse.Status.SUBMITTED, SurveyResponse.Status.ACCEPTED}


@transaction.atomic
def cost_records_save(*, body: MemberBody, fiscal_year: int, formset) -> list[CostRecord]:
    """Save a body's cost entry formset for one year; one row per system and category."""
    seen: set[tuple[int, str]] = set()
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if form in formset.deleted_forms:
            continue
        key = (form.cleaned_data["business_system"].pk, form.cleaned_data["category"])
        if key in seen:
            raise ValidationError(
                _("%(system)s / %(category)s is entered twice.")
                % {"system": form.cleaned_data["business_system"], "category": form.instance.get_category_display()}
            )
        seen.add(key)
    records = formset.save(commit=False)
    for record in formset.deleted_objects:
        record.delete()
    for record in records:
        record.body = body
        record.fiscal_year = fiscal_year
        record.save()
    cost_summaries_refresh(body_ids=[body.pk], fiscal_years=[fiscal_year])
    return records


@transaction.atomic
def cost_records_copy_previous_year(*, body: MemberBody, fiscal_year: int) -> int:
    """Start a year's figures from the year before, for the body's staff to correct rather
    than type again: the same systems and categories, amounts, vendors and contract ends.
    Only into a year with no figures yet; returns how many were copied."""
    MemberBody.objects.select_for_update().filter(pk=body.pk).first()  # a double click copies once
    if CostRecord.objects.filter(body=body, fiscal_year=fiscal_year).exists():
        raise ValidationError(_("This year already has figures: correct them instead."))
    previous = list(CostRecord.objects.filter(body=body, fiscal_year=fiscal_year - 1).order_by("pk"))
    if not previous:
        raise ValidationError(_("The year before has no figures to start from."))
    for record in previous:  # one by one, so that each is in the audit trail
        CostRecord.objects.create(body=body, fiscal_year=fiscal_year, business_system_id=record.business_system_id,
                                  category=record.category, amount=record.amount, vendor=record.vendor,
                                  contract_end=record.contract_end)
    cost_summaries_refresh(body_ids=[body.pk], fiscal_years=[fiscal_year])
    return len(previous)


def survey_round_ensure(*, consortium, fiscal_year: int, status: str = SurveyRound.Status.OPEN,
                        deadline=None) -> SurveyRound:
    survey_round, _created = SurveyRound.objects.get_or_create(
        consortium=consortium, fiscal_year=fiscal_year, defaults={"status": status, "deadline": deadline}
    )
    return survey_round


def _deadline_ahead(deadline: datetime.date | None) -> None:
    """A deadline already past would be e-mailed to the members as one to meet."""
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline has already passed: give a day from today on.")})


def survey_round_open(*, consortium: Consortium, fiscal_year: int, deadline: datetime.date | None) -> SurveyRound:
    """The secretariat opens a year's survey; one per consortium and year."""
    _deadline_ahead(deadline)
    return save_validated(
        SurveyRound(consortium=consortium, fiscal_year=fiscal_year, deadline=deadline),
        taken=SurveyRound.objects.filter(consortium=consortium, fiscal_year=fiscal_year),
        refusal=ValidationError({"fiscal_year": _("The survey of %(year)s already exists; open it from the list.")
                                                % {"year": fiscal_year_on_screen(fiscal_year, "era")}}))


# action → (the statuses it may start from, the status it leads to). Closing stops the
# members' entries and keeps the secretariat's; locking freezes the year for everyone;
# reopening lets the members in again.
SURVEY_MOVES = {
    "close": ({SurveyRound.Status.OPEN}, SurveyRound.Status.CLOSED),
    "lock": ({SurveyRound.Status.OPEN, SurveyRound.Status.CLOSED}, SurveyRound.Status.LOCKED),
    "reopen": ({SurveyRound.Status.CLOSED, SurveyRound.Status.LOCKED}, SurveyRound.Status.OPEN),
}


@transaction.atomic
def survey_round_move(*, survey_round: SurveyRound, action: str) -> SurveyRound:
    """Judged on the round as it stands, locked: a town's submission (survey_response_set
    locks it too) comes wholly before or after, so a year is never locked past an answer
    that arrived in the same instant, nor moved from a status a stale page showed."""
    starts, target = SURVEY_MOVES[action]
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if survey_round.status not in starts:
        raise ValidationError(_("A survey that is %(status)s cannot be moved that way.")
                              % {"status": survey_round.get_status_display()})
    if target == SurveyRound.Status.LOCKED:
        # Locked is final, and what members compare: not with answers still awaiting review.
        waiting = list(survey_round.responses.filter(status=SurveyResponse.Status.SUBMITTED)
                       .order_by("body__code").values_list("body__name", flat=True))
        if waiting:
            raise ValidationError(_("Accept or return the answers awaiting review before locking the year: "
                                    "%(members)s.") % {"members": names_joined(waiting)})
        # Nor with a town's figures it is still filling in (or was returned to correct): a
        # draft locked with the year was ranked by name in the published comparison.
        drafts = list(survey_round.responses.filter(status=SurveyResponse.Status.EDITING).filter(
            body__cost_records__fiscal_year=survey_round.fiscal_year).distinct()
            .order_by("body__code").values_list("body__name", flat=True))
        if drafts:
            raise ValidationError(_("These members' figures are still being filled in, never submitted for review: "
                                    "%(members)s. Have them submit (or remove the figures) before locking the year.")
                                  % {"members": names_joined(drafts)})
    survey_round.status = target
    survey_round.status_changed_at = timezone.now()
    survey_round.save(update_fields=["status", "status_changed_at", "updated_at"])
    return survey_round


def survey_answers_started(*, body: MemberBody, fiscal_year: int) -> None:
    """The town has entered figures for the year: its answer to each open survey of that
    year is being filled in (入力中), not «not started», and a year is not locked with it."""
    for survey_round in SurveyRound.objects.filter(consortium__in=consortia_of(body.pk), fiscal_year=fiscal_year,
                                                   status=SurveyRound.Status.OPEN):
        SurveyResponse.objects.get_or_create(survey_round=survey_round, body=body,
                                             defaults={"status": SurveyResponse.Status.EDITING})


def survey_round_deadline_set(*, survey_round: SurveyRound, deadline: datetime.date | None) -> SurveyRound:
    if survey_round.status == SurveyRound.Status.LOCKED:
        raise ValidationError(_("The survey round is locked."))
    _deadline_ahead(deadline)
    survey_round.deadline = deadline
    survey_round.save(update_fields=["deadline", "updated_at"])
    return survey_round


@dataclass(frozen=True)
class Reminder:
    bodies: int
    addresses: int
    error: str = ""
    unreachable: tuple[str, ...] = ()  # members still to answer with no staff address: not reminded


def survey_round_remind(*, survey_round: SurveyRound, body_url, now: datetime.datetime | None = None) -> Reminder:
    """E-mail the staff of every member that has not yet submitted: one message per body,
    to its own staff (a town never sees another's addresses), with the link to its own
    figures (``body_url(body)``). Mayors are not written to: the survey is staff work."""
    if survey_round.status != SurveyRound.Status.OPEN:
        return Reminder(0, 0, _("Only an open survey can be reminded of."))
    members, _progress = survey_round_members(survey_round=survey_round)
    waiting = [m.participation.body for m in members if m.status not in SUBMITTED_OR_ACCEPTED]
    addresses: dict[int, list[str]] = {}
    for body_id, email in (RoleAssignment.objects.filter(body__in=waiting, role=Role.STAFF, user__is_active=True)
                           .exclude(user__email="").values_list("body_id", "user__email").order_by("user__email")):
        addresses.setdefault(body_id, []).append(email)
    messages = []
    unreachable = tuple(body.name for body in waiting if body.pk not in addresses)
    for body in waiting:
        if body.pk not in addresses:
            continue
        context = {"survey_round": survey_round, "consortium": survey_round.consortium, "body": body,
                   "url": body_url(body)}
        messages.append(japanese_message("survey_reminder", context, to=addresses[body.pk]))
    if not messages:
        return Reminder(0, 0, _("No member still to answer has a staff user with an e-mail address."),
                        unreachable=unreachable)
    try:
        get_connection().send_messages(messages)
    except OSError as error:
        return Reminder(0, 0, str(error))
    SurveyRound.objects.filter(pk=survey_round.pk).update(reminded_at=now or timezone.now())
    return Reminder(bodies=len(messages), addresses=sum(len(m.to) for m in messages), unreachable=unreachable)


def cost_summaries_refresh(*, body_ids, fiscal_years) -> int:
    """Recompute BodyYearCost for these bodies and years from their cost records.

    Two grouped queries and one upsert, whatever the number of bodies; called by every
    service that writes cost records.
    """
    body_ids, fiscal_years = set(body_ids), set(fiscal_years)
    records = CostRecord.objects.filter(body_id__in=body_ids, fiscal_year__in=fiscal_years)
    totals = {
        (row["body_id"], row["fiscal_year"]): row["total"]
        for row in records.values("body_id", "fiscal_year").annotate(total=Sum("amount"))
    }
    vendors: dict[tuple[int, int], tuple[int, str]] = {}
    for row in records.exclude(vendor="").values("body_id", "fiscal_year", "vendor").annotate(spent=Sum("amount")):
        key = (row["body_id"], row["fiscal_year"])
        # The main vendor is the one paid most; ties go to the name first in order.
        candidate = (row["spent"], row["vendor"])
        best = vendors.get(key)
        if best is None or candidate[0] > best[0] or (candidate[0] == best[0] and candidate[1] < best[1]):
            vendors[key] = candidate
    existing = BodyYearCost.objects.filter(body_id__in=body_ids, fiscal_year__in=fiscal_years)
    emptied = [pk for pk, body_id, year in existing.values_list("pk", "body_id", "fiscal_year")
               if (body_id, year) not in totals]
    BodyYearCost.objects.filter(pk__in=emptied).delete()
    BodyYearCost.objects.bulk_create(
        [BodyYearCost(body_id=body_id, fiscal_year=year, total=total,
                      main_vendor=vendors.get((body_id, year), (0, ""))[1])
         for (body_id, year), total in totals.items()],
        update_conflicts=True, unique_fields=["body", "fiscal_year"], update_fields=["total", "main_vendor"],
        batch_size=2000,
    )
    return len(totals)


@transaction.atomic
def survey_response_set(*, survey_round: SurveyRound, body: MemberBody, status: str, by,
                        note: str = "") -> SurveyResponse:
    """Move a body's response: submit (staff), accept or return for changes (secretariat),
    with the secretariat's ``note`` saying why when it returns one.

    Each move only from where it makes sense, whatever page posted it (a stale tab, a
    second click): a town submits figures it has, while the round is open and the answer
    is still being filled in; an accepted answer goes back only when the secretariat
    returns it."""
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if survey_round.status == SurveyRound.Status.LOCKED:
        raise ValidationError(_("The survey round is locked."))
    response = SurveyResponse.objects.filter(survey_round=survey_round, body=body).first()
    current = response.status if response else SurveyResponse.Status.EDITING
    accepted_resubmitted = status == SurveyResponse.Status.SUBMITTED and current == SurveyResponse.Status.ACCEPTED
    if status == current or accepted_resubmitted:
        raise ValidationError(_("The answer is already “%(status)s”.")
                              % {"status": SurveyResponse.Status(current).label})
    if status == SurveyResponse.Status.SUBMITTED:
        if survey_round.status != SurveyRound.Status.OPEN:
            raise ValidationError(_("The survey is closed to members: ask the secretariat to reopen it."))
        if not CostRecord.objects.filter(body=body, fiscal_year=survey_round.fiscal_year).exists():
            raise ValidationError(_("Enter your figures for %(year)s before submitting them for review.")
                                  % {"year": fiscal_year_on_screen(survey_round.fiscal_year, "era")})
    elif status == SurveyResponse.Status.EDITING and not note.strip():
        # The town is e-mailed the note and reads it on its page: a return without one
        # leaves it guessing what to correct.
        raise ValidationError({"note": _("Say what to correct: the town reads it on its page and in the e-mail.")})
    elif status == SurveyResponse.Status.EDITING and survey_round.status != SurveyRound.Status.OPEN:
        # A town corrects and resubmits only while the round is open: returned in a closed
        # round, it was told to correct what it could not.
        raise ValidationError(_("The survey is closed to members, so the town could not correct a returned answer: "
                                "reopen the survey first, then return it."))
    elif status == SurveyResponse.Status.ACCEPTED and current != SurveyResponse.Status.SUBMITTED:
        # Accepted is what the town submitted, reviewed: not figures it never sent.
        raise ValidationError(_("Only an answer submitted for review can be accepted; this one is %(status)s.")
                              % {"status": SurveyResponse.Status(current).label})
    response = response or SurveyResponse(survey_round=survey_round, body=body)
    response.status = status
    if status == SurveyResponse.Status.SUBMITTED:
        response.submitted_at, response.submitted_by = timezone.now(), by
    else:
        response.review_note = note.strip()
    response.save()
    return response


def survey_response_notify(*, response: SurveyResponse, url: str) -> int:
    """Tell the other side: a submission to the council's secretariat, an acceptance or a
    return (with its note) to the body's staff. The number of addresses written to; a
    failing mail server does not undo the answer, which is already saved."""
    survey_round = response.survey_round
    if response.status == SurveyResponse.Status.SUBMITTED:
        to = RoleAssignment.objects.filter(consortium=survey_round.consortium, role=Role.SECRETARIAT)
        template = "survey_submitted"
    else:
        to = RoleAssignment.objects.filter(body=response.body, role=Role.STAFF)
        template = "survey_reviewed"
    addresses = sorted(set(to.filter(user__is_active=True).exclude(user__email="")
                           .values_list("user__email", flat=True)))
    if not addresses:
        return 0
    context = {"response": response, "survey_round": survey_round, "consortium": survey_round.consortium,
               "body": response.body, "url": url,
               "total": BodyYearCost.objects.filter(body=response.body, fiscal_year=survey_round.fiscal_year)
               .values_list("total", flat=True).first()}
    message = japanese_message(template, context, to=addresses)
    try:
        message.send()
    except OSError:
        return 0
    return len(addresses)


def consortium_scope_set(*, consortium: Consortium, systems) -> None:
    """The business systems the council moves to the shared cloud."""
    consortium.business_systems.set(systems)


@transaction.atomic
def business_system_add(*, consortium: Consortium, name_ja: str, name_en: str) -> BusinessSystem:
    """A system of this council's own, outside the national catalogue; put in its scope."""
    # One addition at a time per council: a double click otherwise found the name free and
    # numbered both the same code.
    Consortium.objects.select_for_update().filter(pk=consortium.pk).first()
    if catalogue_for(consortium=consortium).filter(name_ja=name_ja.strip()).exists():
        raise ValidationError({"name_ja": _("%(name)s is already in the catalogue.") % {"name": name_ja}})
    last = BusinessSystem.objects.aggregate(last=Max("sort_order"))["last"] or 0
    taken = set(BusinessSystem.objects.filter(code__startswith=f"{consortium.slug}-").values_list("code", flat=True))
    number = next(n for n in itertools.count(len(taken) + 1) if f"{consortium.slug}-{n}" not in taken)
    system = BusinessSystem.objects.create(
        code=f"{consortium.slug}-{number}", name_ja=name_ja.strip(), name_en=name_en.strip(), consortium=consortium,
        sort_order=last + 1)
    system.in_scope_of.add(consortium)
    return system


def survey_deadline_reminders_send(*, today: datetime.date) -> list[tuple[SurveyRound, Reminder]]:
    """The daily task: remind the members still to answer an open survey whose deadline is
    ``SURVEY_REMINDER_DAYS`` away; a round already reminded today (by hand or by an earlier
    run) is not reminded again."""
    due = [today + datetime.timedelta(days=days) for days in settings.SURVEY_REMINDER_DAYS]
    as_of = timezone.make_aware(datetime.datetime.combine(today, timezone.localtime().time()))  # --today runs too
    sent = []
    for survey_round in (SurveyRound.objects.filter(status=SurveyRound.Status.OPEN, deadline__in=due)
                         .select_related("consortium")):
        if survey_round.reminded_at and timezone.localtime(survey_round.reminded_at).date() == today:
            continue
        year = survey_round.fiscal_year
        reminder = survey_round_remind(
            survey_round=survey_round, now=as_of,
            body_url=lambda body, year=year: settings.SITE_URL + body_costs_path(body.code, year))
        sent.append((survey_round, reminder))
    return sent
