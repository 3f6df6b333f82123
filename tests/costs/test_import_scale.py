"""A national import (1,741 bodies, tens of thousands of figures) is written in a number of
queries that does not grow with its rows, its audit trail included: one INSERT per figure
held the database for 23 minutes and past the server's timeout."""

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.costs.importers import apply_costs, parse_costs
from apps.costs.models import CostRecord
from tests.factories import ConsortiumFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

SYSTEMS = ("住民基本台帳", "戸籍", "印鑑登録", "固定資産税")


def _costs_file(bodies, amount: int) -> bytes:
    lines = ["団体コード,業務,ソフトウェア,保守,ベンダー"]
    lines += [f"{body.code},{system},{amount},{amount // 10},架空システム株式会社"
              for body in bodies for system in SYSTEMS]
    return ("\n".join(lines) + "\n").encode()


def _queries_to_import(consortium, bodies, amount: int) -> int:
    parsed = parse_costs(_costs_file(bodies, amount), "costs.csv", consortium=consortium, fiscal_year=2025)
    assert parsed.ok, parsed.report.errors
    with CaptureQueriesContext(connection) as queries:
        apply_costs(parsed, fiscal_year=2025, consortium=consortium)
    return len(queries)


def test_a_cost_import_takes_a_handful_of_queries_whatever_its_number_of_figures():
    consortium = ConsortiumFactory(slug="a")
    few = [member_of(consortium) for _ in range(2)]
    many = [member_of(consortium) for _ in range(30)]
    # The first opens the year's survey round.
    assert _queries_to_import(consortium, few, 500_000) < 20
    assert _queries_to_import(consortium, many, 500_000) <= 20
    assert LogEntry.objects.get_for_objects(CostRecord.objects.all()).count() == 32 * len(SYSTEMS) * 2
    # Changed figures too.
    assert _queries_to_import(consortium, few, 600_000) < 20
    assert _queries_to_import(consortium, many, 600_000) <= 20

def test_every_imported_figure_is_in_the_trail_with_who_from_where_and_before_and_after():
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="伊奈町")
    user = UserFactory()
    data = "団体コード,業務,ソフトウェア\n{code},住民基本台帳,500000\n"
    with set_actor(user, remote_addr="192.0.2.7"):
        apply_costs(parse_costs(data.format(code=body.code).encode(), "costs.csv", consortium=consortium,
                                fiscal_year=2025), fiscal_year=2025)
        apply_costs(parse_costs(data.replace("500000", "650000").format(code=body.code).encode(), "costs.csv",
                                consortium=consortium, fiscal_year=2025), fiscal_year=2025)
    record = CostRecord.objects.get(body=body)
    created, updated = LogEntry.objects.get_for_object(record).order_by("id")
    for entry in (created, updated):
        assert (entry.actor, entry.actor_email, entry.remote_addr) == (user, user.email, "192.0.2.7")
        assert entry.additional_data == {"consortia": f"|{consortium.pk}|"}
        assert (entry.object_pk, entry.object_id) == (str(record.pk), record.pk)
    assert created.action == LogEntry.Action.CREATE
    assert created.changes_dict == {"amount": [None, "500000"], "vendor": [None, ""], "contract_end": [None, "None"]}
    assert created.object_repr == "伊奈町 2025 住民基本台帳 ソフトウェア: 500,000"
    assert updated.action == LogEntry.Action.UPDATE
    assert updated.changes_dict == {"amount": ["500000", "650000"]}
    assert updated.object_repr == "伊奈町 2025 住民基本台帳 ソフトウェア: 650,000"
