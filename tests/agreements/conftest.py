import datetime

import pytest

from apps.accounts.models import Role
from apps.agreements import selectors, services
from apps.agreements.models import Agreement, Article, Signature
from apps.members.models import ParticipationStatus
from tests.factories import ConsortiumFactory, ParticipationFactory, member_of, user_with_role


@pytest.fixture
def consortium(db):
    return ConsortiumFactory(slug="saitama")


@pytest.fixture
def ina(consortium):
    return member_of(consortium, name="伊奈町", code="113018")


@pytest.fixture
def miyoshi(consortium):
    return member_of(consortium, name="三芳町", code="113247")


@pytest.fixture
def withdrawn(consortium):
    return ParticipationFactory(consortium=consortium, body__name="毛呂山町",
                                status=ParticipationStatus.WITHDRAWN).body


@pytest.fixture
def secretariat(consortium):
    return user_with_role(Role.SECRETARIAT, consortium=consortium)


def draft_with_articles(consortium, *headings: str) -> Agreement:
    agreement = services.agreement_create(consortium=consortium, title="情報システム共同化に関する協定書")
    for number, heading in enumerate(headings or ("目的",), start=1):
        services.article_save(article=Article(agreement=agreement, number=number, heading=heading,
                                              text=f"{heading}について定める。"))
    return agreement


def sign_all(agreement: Agreement, on=datetime.date(2026, 4, 1)) -> None:
    for signature in agreement.signatures.select_related("body"):
        services.signature_record(signature=signature, signed_on=on, signed_by_name=f"{signature.body.name}長")


def older_version(consortium, *, version=2, status=Agreement.Status.UNDER_REVIEW) -> Agreement:
    """A version as the code before the one-line rule let a council start beside another
    open one: written row by row, bypassing the services that now refuse it."""
    agreement = Agreement.objects.create(consortium=consortium, title="協定書（別案）", version=version, status=status,
                                         sent_for_review_on=datetime.date(2026, 3, 2)
                                         if status == Agreement.Status.UNDER_REVIEW else None)
    Article.objects.create(agreement=agreement, number=1, heading="目的", text="別案の目的。")
    if status == Agreement.Status.UNDER_REVIEW:
        for body in selectors.members_to_sign(consortium_id=consortium.pk):
            Signature.objects.create(agreement=agreement, body=body)
    return agreement


@pytest.fixture
def under_review(consortium, ina, miyoshi, withdrawn):
    # Sent on a past day, so that the signatures of 2026-04-01 the tests record follow it.
    return services.agreement_submit_for_review(agreement=draft_with_articles(consortium, "目的", "構成団体"),
                                                on=datetime.date(2026, 3, 2))


@pytest.fixture
def concluded(under_review):
    sign_all(under_review)
    return services.agreement_conclude(agreement=under_review)
