"""Writes for agreements and contracts.

An agreement walks draft → under review → concluded, and may go back from review to
draft (its signatures so far are void). Its articles change only while it is a draft;
signatures are recorded while it is under review; once concluded the model layer refuses
any change (see ``models``), so a change is an amendment: a new draft version copying
the articles, which supersedes the concluded one.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, RoleAssignment
from apps.agreements import outline, selectors
from apps.agreements.models import Agreement, Article, Contract, Customisation, Signature
from apps.core.formatting import date_on_screen, names_joined
from apps.core.mail import japanese_message
from apps.core.unique import save_validated
from apps.members.models import Consortium, Participation, ParticipationStatus

logger = logging.getLogger(__name__)


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update().get(pk=agreement.pk)


def _require_status(agreement_id: int, status: str, refusal: str) -> None:
    # Asked of the database: the caller's copy of the agreement may predate a transition.
    if not Agreement.objects.filter(pk=agreement_id, status=status).exists():
        raise ValidationError(refusal)


def _require_draft(agreement_id: int) -> None:
    _require_status(agreement_id, Agreement.Status.DRAFT, _("Articles can change only while the agreement is a draft."))


def _lock_line(consortium_id: int) -> None:
    """Take the council's versions one writer at a time (its row locked until the commit):
    two clicks on 「新しい協定書」 or 改正 would otherwise both pass the checks below and
    both take the same next version number."""
    Consortium.objects.select_for_update().only("pk").get(pk=consortium_id)


def _require_no_open_version(consortium_id: int) -> None:
    """A council has one agreement line: no second version starts while one is a draft
    or under review, or members would be asked to sign two texts at once."""
    open_version = selectors.open_version(consortium_id=consortium_id)
    if open_version is None:
        return
    if open_version.is_draft:
        raise ValidationError(_("Version %(version)d is still a draft: change it, or send it for review, "
                                "before starting another version.") % {"version": open_version.version})
    raise ValidationError(_("Version %(version)d is under review: conclude it, or take it back to draft, "
                            "before starting another version.") % {"version": open_version.version})


def _next_version(consortium_id: int) -> int:
    latest = Agreement.objects.filter(consortium_id=consortium_id).aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def _new_version(*, consortium_id: int, title: str, supersedes: Agreement | None = None) -> Agreement:
    try:
        with transaction.atomic():
            return Agreement.objects.create(consortium_id=consortium_id, title=title,
                                            version=_next_version(consortium_id), supersedes=supersedes)
    except IntegrityError:
        # Only a writer that skipped the lock (SQLite takes none) gets here: a refusal, not a 500.
        raise ValidationError(_("Another version was started at the same moment; reload the page.")) from None


@transaction.atomic
def agreement_create(*, consortium: Consortium, title: str, standard_articles: bool = False) -> Agreement:
    """The council's first agreement, a draft of version 1; with ``standard_articles``, the
    six articles of the standard outline to edit (apps.agreements.outline). Once a version
    exists, the next one is its amendment (``agreement_amend``)."""
    _lock_line(consortium.pk)
    _require_no_open_version(consortium.pk)
    concluded = selectors.latest_concluded(consortium_id=consortium.pk)
    if concluded is not None:
        raise ValidationError(_("Version %(version)d is concluded: change the agreement by amending it, not with "
                                "a new agreement.") % {"version": concluded.version})
    agreement = _new_version(consortium_id=consortium.pk, title=title)
    if standard_articles:
        # One by one, so that each article's creation is in the audit trail.
        for number, heading, text in outline.standard_articles(consortium_name=consortium.name):
            Article.objects.create(agreement=agreement, number=number, heading=heading, text=text)
    return agreement


def article_save(*, article: Article) -> Article:
    """Create or change an article of a draft; its number is unique in the agreement."""
    _require_draft(article.agreement_id)
    taken = Article.objects.filter(agreement=article.agreement, number=article.number).exclude(pk=article.pk)
    refusal = ValidationError({"number": _("Article %(number)d already exists.") % {"number": article.number}})
    return save_validated(article, taken=taken, refusal=refusal)


def article_delete(*, article: Article) -> None:
    _require_draft(article.agreement_id)
    article.delete()


@transaction.atomic
def agreement_submit_for_review(*, agreement: Agreement, on: datetime.date | None = None) -> Agreement:
    """Send a draft to the members: one unsigned signature row for every member that has
    not withdrawn from the consortium. It is sent today unless an earlier day ``on`` is
    recorded (a history entered afterwards); no signature is dated before that day."""
    agreement = _locked(agreement)
    if not agreement.is_draft:
        raise ValidationError(_("Only a draft can be sent for review."))
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError(_("An agreement cannot be sent for review on a day still ahead."))
    amended = agreement.supersedes
    if amended is not None and amended.concluded_on and on < amended.concluded_on:
        raise ValidationError(_("This version amends version %(version)d, concluded on %(on)s: it cannot be sent "
                                "for review before that day.")
                              % {"version": amended.version, "on": date_on_screen(amended.concluded_on, "era")})
    if not agreement.articles.exists():
        raise ValidationError(_("Add at least one article before sending the agreement for review."))
    # Only a council with versions from before the one-line rule can have two open.
    other = (Agreement.objects.filter(consortium_id=agreement.consortium_id, status=Agreement.Status.UNDER_REVIEW)
             .exclude(pk=agreement.pk).first())
    if other is not None:
        raise ValidationError(_("Version %(version)d is already under review: the members sign one text at a time.")
                              % {"version": other.version})
    body_ids = list(selectors.members_to_sign(consortium_id=agreement.consortium_id).values_list("pk", flat=True))
    if not body_ids:
        raise ValidationError(_("The consortium has no member to sign the agreement."))
    agreement.status = Agreement.Status.UNDER_REVIEW
    agreement.sent_for_review_on = on
    agreement.save()
    Signature.objects.bulk_create([Signature(agreement=agreement, body_id=body_id) for body_id in body_ids])
    return agreement


@transaction.atomic
def agreement_return_to_draft(*, agreement: Agreement) -> Agreement:
    """Take an agreement under review back to draft so its articles can change (a member
    asked for a different wording, say). Signatures already given were given to the old
    text, so all its signature rows go (the audit trail keeps who had signed and when);
    sending it for review again asks every member afresh."""
    agreement = _locked(agreement)
    if not agreement.is_under_review:
        raise ValidationError(_("Only an agreement under review can go back to draft."))
    agreement.signatures.all().delete()
    agreement.status = Agreement.Status.DRAFT
    agreement.sent_for_review_on = None  # sending it again asks from that day
    agreement.save()
    return agreement


def signature_record(*, signature: Signature, signed_on: datetime.date, signed_by_name: str = "") -> Signature:
    """A member's signature, recorded while its agreement is under review, dated between
    the day it was sent for review and today."""
    _require_status(signature.agreement_id, Agreement.Status.UNDER_REVIEW,
                    _("Signatures are recorded only while the agreement is under review."))
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("A signature cannot be dated in the future.")})
    sent_on = Agreement.objects.filter(pk=signature.agreement_id).values_list("sent_for_review_on", flat=True).get()
    if sent_on and signed_on < sent_on:
        raise ValidationError({"signed_on": _(
            "The agreement was sent for review on %(on)s: a signature cannot be dated before that day.")
            % {"on": date_on_screen(sent_on, "era")}})
    amended = (Agreement.objects.filter(superseded_by__pk=signature.agreement_id)
               .values_list("version", "concluded_on").first())
    if amended and amended[1] and signed_on < amended[1]:
        raise ValidationError({"signed_on": _(
            "This version amends version %(version)d, concluded on %(on)s: it cannot be signed before that day.")
            % {"version": amended[0], "on": date_on_screen(amended[1], "era")}})
    signature.signed_on = signed_on
    signature.signed_by_name = signed_by_name
    signature.save(update_fields=["signed_on", "signed_by_name", "updated_at"])
    return signature


@transaction.atomic
def agreement_conclude(*, agreement: Agreement, concluded_on: datetime.date | None = None) -> Agreement:
    """Conclude an agreement every member has signed; it is concluded on the day of the
    last signature unless another (later) day is given. From then on it is frozen."""
    agreement = _locked(agreement)
    if not agreement.is_under_review:
        raise ValidationError(_("Only an agreement under review can be concluded."))
    # Only data from before the one-line rule has two: concluding either leaves the
    # members still asked to sign the other, which would then replace it unamended.
    other = (selectors.open_versions(consortium_id=agreement.consortium_id)
             .filter(status=Agreement.Status.UNDER_REVIEW).exclude(pk=agreement.pk).first())
    if other is not None:
        raise ValidationError(_("Version %(version)d is under review too: withdraw one of the two before concluding "
                                "the other.") % {"version": other.version})
    # A member that withdrew during the review is no longer a party: its unsigned row goes
    # (the deletion stays in the audit trail) instead of blocking the others.
    withdrawn = Participation.objects.filter(consortium_id=agreement.consortium_id,
                                             status=ParticipationStatus.WITHDRAWN).values("body_id")
    agreement.signatures.filter(signed_on__isnull=True, body_id__in=withdrawn).delete()
    signatures = list(agreement.signatures.select_related("body").order_by("body__code"))
    unsigned = [signature.body.name for signature in signatures if signature.signed_on is None]
    if unsigned:
        raise ValidationError(_("Not every member has signed yet: %(members)s.") % {"members": names_joined(unsigned)})
    last_signature = max((signature.signed_on for signature in signatures), default=None)
    concluded_on = concluded_on or last_signature or timezone.localdate()
    if last_signature and concluded_on < last_signature:
        raise ValidationError(_("The agreement cannot be concluded before its last signature (%(date)s).")
                              % {"date": date_on_screen(last_signature, "era")})
    agreement.status = Agreement.Status.CONCLUDED
    agreement.concluded_on = concluded_on
    # Allowed once: the model refuses saves of agreements already concluded in the database.
    agreement.save()
    return agreement


@transaction.atomic
def agreement_amend(*, agreement: Agreement) -> Agreement:
    """A new draft version copying the articles of the council's latest concluded
    version, superseding it; refused while another version is a draft or under review."""
    _lock_line(agreement.consortium_id)
    agreement = _locked(agreement)
    if not agreement.is_concluded:
        raise ValidationError(_("Only a concluded agreement can be amended; change the draft instead."))
    _require_no_open_version(agreement.consortium_id)
    latest = selectors.latest_concluded(consortium_id=agreement.consortium_id)
    if latest.pk != agreement.pk:
        # Amending an older version would branch the history beside the one in force.
        raise ValidationError(_("Version %(version)d is the latest concluded version: amend that one.")
                              % {"version": latest.version})
    amendment = _new_version(consortium_id=agreement.consortium_id, title=agreement.title, supersedes=agreement)
    Article.objects.bulk_create([
        Article(agreement=amendment, number=article.number, heading=article.heading, text=article.text)
        for article in agreement.articles.all()
    ])
    return amendment


@transaction.atomic
def agreement_withdraw(*, agreement: Agreement) -> Agreement:
    """Withdraw one of a council's versions open at once (data from before the one-line
    rule), so that the members sign one text: it is deleted with its articles and any
    signatures recorded on it, which the audit trail keeps. Which one goes is the
    secretariat's call; a council's only open version is changed, not withdrawn. Returns
    the newest version still open."""
    _lock_line(agreement.consortium_id)
    agreement = _locked(agreement)
    if agreement.is_concluded:
        raise ValidationError(_("A concluded version cannot be withdrawn; amend it with a new version."))
    remaining = selectors.open_versions(consortium_id=agreement.consortium_id).exclude(pk=agreement.pk).first()
    if remaining is None:
        raise ValidationError(_("Version %(version)d is the council's only open version: change it rather than "
                                "withdraw it.") % {"version": agreement.version})
    agreement.delete()
    return remaining


def _require_participant(record: Contract | Customisation) -> None:
    """A contract or customisation for one member names a member of its consortium."""
    if record.body_id and not Participation.objects.filter(
            consortium_id=record.consortium_id, body_id=record.body_id).exists():
        raise ValidationError({"body": _("%(body)s does not take part in this consortium.") % {"body": record.body}})


@transaction.atomic
def contract_save(*, contract: Contract, sla_formset=None) -> Contract:
    """Create or change a contract and, if given, its SLA items (an inline formset). A
    new end or notice period is a new renewal to be reminded of: an extended contract
    was never reminded again."""
    _require_participant(contract)
    contract.full_clean()
    stored = Contract.objects.filter(pk=contract.pk).values("ends_on", "notice_days").first() if contract.pk else None
    if stored and (stored["ends_on"], stored["notice_days"]) != (contract.ends_on, contract.notice_days):
        contract.reminder_sent_on = None
    contract.save()
    if sla_formset is not None:
        sla_formset.instance = contract
        sla_formset.save()
    return contract


# The customisation register. The agreement's principle is no customisation: every
# decision is recorded with who, when and why, and nothing is built unapproved.

def customisation_save(*, customisation: Customisation) -> Customisation:
    """Record a request or correct it; a decided customisation no longer changes."""
    if customisation.pk and not Customisation.objects.filter(
            pk=customisation.pk, status=Customisation.Status.REQUESTED).exists():
        raise ValidationError(_("Only a customisation still awaiting its decision can be changed."))
    _require_participant(customisation)
    # What the register records has happened, as with signatures and RFI responses.
    if customisation.requested_on and customisation.requested_on > timezone.localdate():
        raise ValidationError({"requested_on": _("A request cannot be dated in the future.")})
    customisation.full_clean()
    customisation.save()
    return customisation


@transaction.atomic
def customisation_decide(*, customisation: Customisation, approve: bool, reason: str, by,
                         on: datetime.date | None = None) -> Customisation:
    locked = Customisation.objects.select_for_update().get(pk=customisation.pk)
    if locked.status != Customisation.Status.REQUESTED:
        raise ValidationError(_("This customisation has been decided already."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision: it is kept in the register.")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError(_("A decision cannot be dated in the future."))
    if on < locked.requested_on:
        raise ValidationError({"decided_on": _(
            "The decision date cannot be before the request date (%(on)s).")
            % {"on": date_on_screen(locked.requested_on, "era")}})
    locked.status = Customisation.Status.APPROVED if approve else Customisation.Status.REJECTED
    locked.decided_by, locked.decided_on = by, on
    locked.decision_reason = reason.strip()
    locked.save()
    return locked


def customisation_complete(*, customisation: Customisation) -> Customisation:
    """Mark an approved customisation as built."""
    if not Customisation.objects.filter(pk=customisation.pk, status=Customisation.Status.APPROVED).exists():
        raise ValidationError(_("Only an approved customisation can be built."))
    customisation.status = Customisation.Status.DONE
    customisation.save(update_fields=["status", "updated_at"])
    return customisation


@dataclass(frozen=True)
class Reminder:
    consortium: Consortium
    contracts: list[Contract]
    recipients: list[str]
    error: str = ""  # the mail server's: not sent, and left for the next run


def renewal_reminders_send(*, today: datetime.date) -> list[Reminder]:
    """E-mail each consortium's secretariat the contracts that entered their renewal
    notice period, once per contract (the daily task and the command call this).

    Each contract is claimed before it is sent (a conditional update of its reminder
    date): beat and the cron command running at once send it once between them. A
    council whose message the mail server refuses is released for the next day's run
    and logged, and the councils after it are still reminded: a renewal missed costs
    more than a reminder sent twice, should the server have taken it after all."""
    due = (Contract.objects.filter(reminder_sent_on__isnull=True).due_for_renewal(today)
           .select_related("consortium", "body"))
    by_consortium: dict[int, list[Contract]] = {}
    for contract in due:
        by_consortium.setdefault(contract.consortium_id, []).append(contract)
    sent = []
    for contracts in by_consortium.values():
        consortium = contracts[0].consortium
        recipients = sorted(set(RoleAssignment.objects.filter(
            consortium=consortium, role=Role.SECRETARIAT, user__is_active=True).exclude(user__email="")
            .values_list("user__email", flat=True)))
        if not recipients:
            continue  # reminded on the next run, once somebody can receive it
        claimed = [contract for contract in contracts if Contract.objects.filter(
            pk=contract.pk, reminder_sent_on__isnull=True).update(reminder_sent_on=today)]
        if not claimed:
            continue  # the other run has them
        context = {"consortium": consortium, "contracts": claimed}
        try:
            japanese_message("renewal_reminder", context, to=recipients).send()
        except OSError as error:
            Contract.objects.filter(pk__in=[contract.pk for contract in claimed], reminder_sent_on=today).update(
                reminder_sent_on=None)
            logger.warning("renewal reminder of %s not sent, left for the next run: %s", consortium.slug, error)
            sent.append(Reminder(consortium=consortium, contracts=claimed, recipients=recipients, error=str(error)))
            continue
        sent.append(Reminder(consortium=consortium, contracts=claimed, recipients=recipients))
    return sent
