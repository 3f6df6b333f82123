import datetime

import factory

from apps.accounts.models import Role, RoleAssignment, User
from apps.costs.models import BusinessSystem, CostCategory, CostRecord, SurveyRound
from apps.costs.catalogue import catalogue_load
from apps.costs.services import cost_summaries_refresh
from apps.members.codes import check_digit
from apps.members.services import population_record
from apps.members.models import Consortium, MemberBody, Participation, ParticipationStatus, PopulationRecord, StatusChange


def valid_code(n: int) -> str:
    first_five = f"{13000 + n:05d}"
    return first_five + str(check_digit(first_five))


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium

    slug = factory.Sequence(lambda n: f"consortium-{n}")
    name = factory.Sequence(lambda n: f"協議会{n}")


class MemberBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberBody

    code = factory.Sequence(valid_code)
    name = factory.Sequence(lambda n: f"町{n}")
    kana = factory.Sequence(lambda n: f"まち{n}")
    kind = MemberBody.Kind.TOWN
    prefecture = "埼玉県"


class PopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationRecord

    body = factory.SubFactory(MemberBodyFactory)
    as_of = datetime.date(2025, 1, 1)
    population = 10000


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation
        skip_postgeneration_save = True

    body = factory.SubFactory(MemberBodyFactory)
    consortium = factory.SubFactory(ConsortiumFactory)
    status = ParticipationStatus.COUNCIL

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            StatusChange.objects.create(participation=self, status=self.status, start_date=datetime.date(2020, 4, 1))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


def user_with_role(role: Role, *, consortium=None, body=None) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, consortium=consortium, body=body)
    return user


def business_system(code: str = "resident_registry") -> BusinessSystem:
    if not BusinessSystem.objects.exists():
        # A transactional test before this one (browser, worker) flushed the catalogue
        # that the migration loads.
        catalogue_load(BusinessSystem)
    return BusinessSystem.objects.get(code=code)


class CostRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CostRecord

    body = factory.SubFactory(MemberBodyFactory)
    fiscal_year = 2025
    business_system = factory.LazyFunction(business_system)
    category = CostCategory.SOFTWARE
    amount = 1_000_000
    vendor = "架空システム株式会社"


class SurveyRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRound

    consortium = factory.SubFactory(ConsortiumFactory)
    fiscal_year = 2025


def member_of(consortium, *, population=10000, cost=None, fiscal_year=2025, **body_fields):
    """A participating body with a population and, optionally, one cost record."""
    body = MemberBodyFactory(**body_fields)
    population_record(body=body, population=population, as_of=datetime.date(2025, 1, 1))
    ParticipationFactory(body=body, consortium=consortium)
    if cost is not None:
        add_cost(body, cost, fiscal_year=fiscal_year)
    return body


def add_cost(body, amount, *, fiscal_year=2025, **fields):
    """A cost record written as the services write it, with the yearly summary refreshed."""
    record = CostRecordFactory(body=body, amount=amount, fiscal_year=fiscal_year, **fields)
    cost_summaries_refresh(body_ids=[body.pk], fiscal_years=[fiscal_year])
    return record
