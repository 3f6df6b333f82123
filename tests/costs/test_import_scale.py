"""A national import (1,741 bodies, tens of thousands of figures) is written in a number of
queries that does not grow with its rows, its audit trail included: one INSERT per figure
held the database for 23 minutes and past the server's timeout."""

import dataclasses
import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.costs import importers
from apps.costs.importers import apply_costs, parse_costs
from apps.costs.models import CostRecord
from apps.members.models import MemberBody, PopulationRecord
from tests.factories import ConsortiumFactory, UserFactory, member_of, valid_code

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


def _bodies_file(first: int, count: int) -> bytes:
    lines = ["団体コード,団体名,ふりがな,都道府県,人口,人口基準日,参加状況,開始日"]
    lines += [f"{valid_code(n)},番{n}町,まち{n},埼玉県,{1000 + n},2025/1/1,稼働,2024/4/1"
              for n in range(first, first + count)]
    return ("\n".join(lines) + "\n").encode()


def _queries_to_add(consortium, first: int, count: int) -> int:
    parsed = importers.parse_bodies(_bodies_file(first, count), "bodies.csv", consortium=consortium)
    assert parsed.ok, parsed.report.errors
    with CaptureQueriesContext(connection) as queries:
        result = importers.apply_bodies(parsed, consortium=consortium)
    assert result.created == count
    return len(queries)


def test_adding_bodies_by_file_takes_a_handful_of_queries_whatever_their_number():
    consortium = ConsortiumFactory(slug="a")
    _queries_to_add(consortium, 500, 1)  # the content types, once
    # 12, not more: SQLite (the default without PostgreSQL) takes 999 values a statement, and
    # Django sends a longer bulk insert of the audit trail in two.
    assert _queries_to_add(consortium, 600, 12) == _queries_to_add(consortium, 700, 2) < 25


def test_bodies_added_by_file_join_with_their_population_status_and_trail():
    consortium = ConsortiumFactory(slug="a")
    user = UserFactory()
    with set_actor(user, remote_addr="192.0.2.7"):
        importers.apply_bodies(importers.parse_bodies(_bodies_file(500, 2), "bodies.csv", consortium=consortium),
                               consortium=consortium)
    body = MemberBody.objects.get(code=valid_code(500))
    assert (body.name, body.kind, body.population, body.population_as_of) == (
        "番500町", "town", 1500, datetime.date(2025, 1, 1))
    assert list(body.populations.values_list("population", "as_of", "source")) == [
        (1500, datetime.date(2025, 1, 1), PopulationRecord.Source.REGISTRY)]
    participation = body.participations.get(consortium=consortium)
    assert (participation.status, participation.actual_go_live) == ("live", datetime.date(2024, 4, 1))
    assert list(participation.history.values_list("status", "start_date", "end_date")) == [
        ("live", datetime.date(2024, 4, 1), None)]
    for instance, name in ((body, "番500町"), (body.populations.get(), "番500町 1,500 (2025-01-01)"),
                           (participation, f"番500町 @ {consortium.name}: 稼働")):
        entry = LogEntry.objects.get_for_object(instance).get()
        assert entry.action == LogEntry.Action.CREATE and entry.object_repr == name
        assert (entry.actor, entry.remote_addr) == (user, "192.0.2.7")
        assert entry.additional_data == {"consortia": f"|{consortium.pk}|"}  # the council's trail shows it
    assert LogEntry.objects.get_for_object(body).get().changes_dict["name"] == ["None", "番500町"]


def test_a_new_body_the_save_refuses_is_named_by_row_and_column_and_nothing_is_written():
    consortium = ConsortiumFactory(slug="a")
    parsed = importers.parse_bodies(_bodies_file(500, 3), "bodies.csv", consortium=consortium)
    row = parsed.rows[1]
    parsed.rows[1] = dataclasses.replace(row, values={**row.values, "name": "町" * 101})  # as if changed meanwhile
    with pytest.raises(importers.ImportRefused) as refused:
        importers.apply_bodies(parsed, consortium=consortium)
    assert [(error.row, error.column) for error in refused.value.report.errors] == [(3, "団体名")]
    assert not MemberBody.objects.exists() and not LogEntry.objects.filter(
        content_type__model="memberbody").exists()
