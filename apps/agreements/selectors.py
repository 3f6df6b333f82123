"""Reads for agreements and contracts, for these pages and for other apps (reports, the
member portal). Each returns a queryset already joined for what its readers print."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from apps.agreements.models import Agreement, Contract, Customisation, Signature
from apps.members.models import COUNCIL_STATUSES, Consortium, MemberBody, Participation, consortia_of


def agreements_for(*, user, consortium: Consortium) -> QuerySet[Agreement]:
    """The versions the user may read, newest first, with their signature counts."""
    return (Agreement.objects.for_user(user).filter(consortium=consortium)
            .select_related("superseded_by")
            .annotate(signature_count=Count("signatures"),
                      signed_count=Count("signatures", filter=Q(signatures__signed_on__isnull=False)))
            .order_by("-version"))


def agreement_signatures(*, user, agreement: Agreement) -> QuerySet[Signature]:
    """The signatures of one agreement that the user may read (members: their own)."""
    return Signature.objects.for_user(user).filter(agreement=agreement).select_related("body").order_by("body__code")


def signature_counts(signatures: QuerySet[Signature]) -> dict[str, int]:
    """How many of ``signatures`` there are and how many are signed, in one query."""
    return signatures.aggregate(total=Count("pk"), signed=Count("pk", filter=Q(signed_on__isnull=False)))


def pending_signatures(*, body: MemberBody) -> QuerySet[Signature]:
    """The body's signatures still awaited on agreements under review. ``rival_version``:
    another version of the same council also under review (only in data from before the
    one-line rule), which the town is not to sign beside it until the secretariat has
    withdrawn one of the two; None as a rule."""
    rival = (Agreement.objects.filter(consortium_id=OuterRef("agreement__consortium_id"),
                                      status=Agreement.Status.UNDER_REVIEW)
             .exclude(pk=OuterRef("agreement_id")).order_by("-version").values("version")[:1])
    return (Signature.objects.filter(body=body, signed_on__isnull=True, agreement__status=Agreement.Status.UNDER_REVIEW)
            .annotate(rival_version=Subquery(rival))
            .select_related("agreement__consortium").order_by("agreement__consortium__name", "agreement__version"))


def members_to_sign(*, consortium_id: int) -> QuerySet[MemberBody]:
    """The bodies a version sent for review now would ask to sign: the council's members
    (joined, declared or live), in code order — not a body only invited or still in the
    study group, which the agreement's article on members does not name."""
    members = Participation.objects.filter(consortium_id=consortium_id, status__in=COUNCIL_STATUSES)
    return MemberBody.objects.filter(pk__in=members.values("body_id")).order_by("code")


@dataclass(frozen=True)
class Signatory:
    body: MemberBody
    signed_on: datetime.date | None = None
    signed_by_name: str = ""


def agreement_signatories(*, agreement: Agreement) -> list[Signatory]:
    """Who signs the agreement, in code order: the members its signatures ask, once it is
    sent for review; for a draft, the members that sending it now would ask."""
    if agreement.is_draft:
        return [Signatory(body=body) for body in members_to_sign(consortium_id=agreement.consortium_id)]
    return [Signatory(body=signature.body, signed_on=signature.signed_on, signed_by_name=signature.signed_by_name)
            for signature in agreement.signatures.select_related("body").order_by("body__code")]


def current_agreement(*, consortium: Consortium) -> Agreement | None:
    """The latest version concluded or under review (drafts are the secretariat's own)."""
    return (Agreement.objects.filter(consortium=consortium, status__in=Agreement.VISIBLE_TO_MEMBERS)
            .order_by("-version").first())


OPEN_STATUSES = (Agreement.Status.DRAFT, Agreement.Status.UNDER_REVIEW)


def open_versions(*, consortium_id: int) -> QuerySet[Agreement]:
    """The council's versions still a draft or under review, newest first: one at most
    since the services keep one agreement line; more only in data from before that rule,
    until the secretariat withdraws all but one (``services.agreement_withdraw``)."""
    return Agreement.objects.filter(consortium_id=consortium_id, status__in=OPEN_STATUSES).order_by("-version")


def open_version(*, consortium_id: int) -> Agreement | None:
    """The council's version still a draft or under review, if any: the one a change goes
    into (the newest if older data has more)."""
    return open_versions(consortium_id=consortium_id).first()


def versions_open_together(*, user, consortium_id: int) -> list[Agreement]:
    """The council's open versions the user may read, newest first, when there are more
    than one (older data); else none. Members read only those under review: two texts
    they are asked to sign at once."""
    versions = list(Agreement.objects.for_user(user).filter(consortium_id=consortium_id, status__in=OPEN_STATUSES)
                    .order_by("-version"))
    return versions if len(versions) > 1 else []


def latest_concluded(*, consortium_id: int) -> Agreement | None:
    """The version in force: the council's latest concluded one."""
    return (Agreement.objects.filter(consortium_id=consortium_id, status=Agreement.Status.CONCLUDED)
            .order_by("-version").first())


def may_amend(*, agreement: Agreement) -> bool:
    """Whether the agreement is the one to amend now: the latest concluded version, with no
    other version a draft or under review."""
    return (agreement.is_concluded and open_version(consortium_id=agreement.consortium_id) is None
            and latest_concluded(consortium_id=agreement.consortium_id) == agreement)


def contracts_for(*, user, consortium: Consortium) -> QuerySet[Contract]:
    """The consortium's contracts the user may read, with their body."""
    return Contract.objects.for_user(user).filter(consortium=consortium).select_related("body")


def body_contracts(*, user, body: MemberBody) -> QuerySet[Contract]:
    """The contracts that bind a body, as far as the user may read them: its own and the
    bulk contracts of the consortia it takes part in."""
    return (Contract.objects.for_user(user)
            .filter(Q(body=body) | Q(body__isnull=True, consortium_id__in=consortia_of(body.pk)))
            .select_related("consortium", "body").order_by("-ends_on"))


def customisations_for(*, user, consortium: Consortium) -> QuerySet[Customisation]:
    """The register as the user may read it (members: all-member ones and their own)."""
    return (Customisation.objects.for_user(user).filter(consortium=consortium)
            .select_related("body", "business_system", "decided_by"))


def customisation_totals(customisations: QuerySet[Customisation]) -> list[dict]:
    """Cost per scope and payer of what is approved or built: what the exceptions cost."""
    rows = (customisations.filter(status__in=[Customisation.Status.APPROVED, Customisation.Status.DONE])
            .order_by().values("scope", "payer").annotate(total=Sum("cost"), count=Count("id"))
            .order_by("scope", "payer"))
    return [{**row, "scope_label": Customisation.Scope(row["scope"]).label,
             "payer_label": Customisation.Payer(row["payer"]).label} for row in rows]


def signature_progress(*, agreement: Agreement) -> tuple[int, int]:
    """(signed, asked) for an agreement under review."""
    signatures = agreement.signatures.all()
    return signatures.filter(signed_on__isnull=False).count(), signatures.count()


def contracts_due_for_renewal(*, consortium: Consortium, today: datetime.date) -> QuerySet[Contract]:
    """Contracts whose renewal reminder has started (``notice_days`` before the end) and
    that have not ended yet, soonest end first; what a reminder task would send."""
    return Contract.objects.filter(consortium=consortium).due_for_renewal(today).select_related("body")
