"""Every change is in the trail, with who and before/after; each secretariat sees its own."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import Role
from apps.costs.importers import apply_costs, parse_costs
from tests.factories import ConsortiumFactory, SurveyRoundFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def test_a_cost_change_on_the_page_is_recorded_with_who_before_and_after(client):
    consortium = ConsortiumFactory(slug="a")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    body = member_of(consortium, cost=1_000_000)
    record = body.cost_records.get()
    staff = user_with_role(Role.STAFF, body=body)
    client.force_login(staff)
    client.post(reverse("body_costs_edit", args=[body.code, 2025]), {
        "costs-TOTAL_FORMS": "1", "costs-INITIAL_FORMS": "1", "costs-MIN_NUM_FORMS": "0", "costs-MAX_NUM_FORMS": "1000",
        "costs-0-id": str(record.pk), "costs-0-business_system": str(record.business_system_id),
        "costs-0-category": record.category, "costs-0-amount": "2000000", "costs-0-vendor": record.vendor,
    })
    entry = LogEntry.objects.get_for_object(record).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff
    assert entry.changes_dict["amount"] == ["1000000", "2000000"]


def test_imports_are_recorded_too():
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium)
    data = f"団体コード,業務,ソフトウェア\n{body.code},住民基本台帳,500000\n".encode()
    apply_costs(parse_costs(data, "costs.csv", consortium=consortium, fiscal_year=2025), fiscal_year=2025)
    assert LogEntry.objects.filter(action=LogEntry.Action.CREATE, object_repr__contains="500,000").exists()


def test_each_secretariat_sees_only_its_consortium_entries(client):
    a, b = ConsortiumFactory(slug="a"), ConsortiumFactory(slug="b")
    member_of(a, name="伊奈町")
    member_of(b, name="香芝市")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=a))
    reprs = {row.record.object_repr for row in client.get(reverse("audit_trail")).context["table"].rows}
    assert any("伊奈町" in r for r in reprs) and not any("香芝市" in r for r in reprs)


def test_the_trail_cannot_be_edited_through_the_app(client):
    consortium = ConsortiumFactory(slug="a")
    member_of(consortium)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    count = LogEntry.objects.count()
    assert client.post(reverse("audit_trail"), {"action": "delete"}).status_code == 405
    assert LogEntry.objects.count() == count


def _described(client, record):
    """The trail's "before → after" cell of the record's newest entry, as the page shows it."""
    table = client.get(reverse("audit_trail")).context["table"]
    entry = LogEntry.objects.get_for_object(record).order_by("-id").first()
    return table.described[entry.pk], str(table.described[entry.pk])


def test_the_trail_reads_as_words_field_names_labels_and_related_names_not_codes(client):
    consortium = ConsortiumFactory(slug="a")
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025)
    body = member_of(consortium, name="伊奈町", cost=1_000_000)
    record = body.cost_records.get()
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    described, text = _described(client, record)  # its creation
    assert "構成団体: 伊奈町" in text  # a relation named by its record, under its model's name
    assert "年度: 2025" in text and "金額（円）: 1,000,000" in text  # a year without a separator
    assert f"業務システム: {record.business_system.name_ja}" in text and f"費目: {record.get_category_display()}" in text
    assert "None" not in text and "作成日時" not in text and "ID" not in text
    assert all(change.before is None for change in described.changes)  # a creation has no "before"
    record.amount = 2_000_000
    record.save()
    assert _described(client, record)[1] == "金額（円）: 1,000,000 → 2,000,000"
    record.vendor = ""
    record.save()
    assert _described(client, record)[1] == "事業者: 架空システム株式会社 → —"


def test_the_trail_names_related_records_in_a_bounded_number_of_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consortium = ConsortiumFactory(slug="a")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))

    def page_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit_trail")).status_code == 200
        return len(queries)

    for number in range(3):
        member_of(consortium, name=f"町{number}", cost=1_000_000)
    few = page_queries()
    for number in range(3, 20):
        member_of(consortium, name=f"町{number}", cost=1_000_000)
    assert page_queries() == few


def test_a_change_of_who_shares_a_pool_reads_as_the_members_added_or_removed(client):
    """It was a blank row: auditlog records a many-to-many change in a shape of its own."""
    import datetime
    from decimal import Decimal

    from apps.allocation import services as allocation

    consortium = ConsortiumFactory(slug="a")
    ina, miyoshi = member_of(consortium, name="伊奈町", cost=1), member_of(consortium, name="三芳町", cost=1)
    plan = allocation.plan_create(consortium=consortium, name="案", fiscal_year=2026, cost_fiscal_year=2025,
                                  population_basis_date=datetime.date(2025, 6, 1),
                                  pools=[{"name": "基幹系", "amount": 1000, "equal_ratio": Decimal("1"),
                                          "population_ratio": Decimal("0")}])
    pool = plan.pools.get()
    pool.bodies.add(ina, miyoshi)
    pool.bodies.remove(miyoshi)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.get(reverse("audit_trail")).content.decode()
    assert "負担する構成団体: 伊奈町、三芳町を追加" in page and "負担する構成団体: 三芳町を削除" in page


def test_a_cost_is_named_in_the_trail_by_its_category_not_its_code():
    """«伊奈町 2026 子ども・子育て支援 maintenance: 830,000» showed the code of 保守."""
    consortium = ConsortiumFactory(slug="a")
    body = member_of(consortium, name="伊奈町")
    data = f"団体コード,業務,保守\n{body.code},住民基本台帳,830000\n".encode()
    with translation.override("ja"):
        apply_costs(parse_costs(data, "costs.csv", consortium=consortium, fiscal_year=2026), fiscal_year=2026)
    entry = LogEntry.objects.get(action=LogEntry.Action.CREATE, object_repr__contains="830,000")
    assert entry.object_repr == "伊奈町 2026 住民基本台帳 保守: 830,000"


def test_who_gave_whom_access_and_who_took_it_away_is_in_the_councils_trail(client):
    """No accounts model was audited: nobody could answer «who gave this person access»."""
    from apps.accounts.models import RoleAssignment, User

    saitama, nara = ConsortiumFactory(slug="a"), ConsortiumFactory(slug="b")
    ina = member_of(saitama, name="伊奈町")
    chotatsu = user_with_role(Role.SECRETARIAT, consortium=saitama)
    client.force_login(chotatsu)
    client.post(reverse("people", args=["a"]), {"email": "it@town.ina.example", "display_name": "伊奈町 情報担当",
                                               "role": "staff", "body": ina.pk})
    client.post(reverse("people", args=["a"]), {"email": "adviser@pref.example", "display_name": "県CIO補佐官",
                                               "role": "observer"})
    staff, adviser = User.objects.get(email="it@town.ina.example"), User.objects.get(email="adviser@pref.example")
    RoleAssignment.objects.create(user=adviser, role=Role.OBSERVER, consortium=nara)  # it stays for Nara
    client.post(reverse("person_deactivate", args=["a", staff.pk]))
    client.post(reverse("person_deactivate", args=["a", adviser.pk]))
    with translation.override("ja"):
        table = client.get(reverse("audit_trail"), HTTP_ACCEPT_LANGUAGE="ja").context["table"]
        rows = [(row.record.actor, row.record.action, row.record.object_repr, str(table.described[row.record.pk]))
                for row in table.paginated_rows]
    granted = [r for r in rows if r[1] == LogEntry.Action.CREATE and "伊奈町 情報担当" in r[2]]
    assert granted and granted[0][0] == chotatsu and "役割: 団体職員" in granted[0][3] and "伊奈町" in granted[0][2]
    assert any(r[0] == chotatsu and r[1] == LogEntry.Action.CREATE and "県CIO補佐官 — オブザーバー" in r[2] for r in rows)
    assert (chotatsu, LogEntry.Action.UPDATE, "伊奈町 情報担当") in [r[:3] for r in rows]  # deactivated
    assert any("有効" in r[3] and r[2] == "伊奈町 情報担当" for r in rows)
    assert any(r[0] == chotatsu and r[1] == LogEntry.Action.DELETE and "県CIO補佐官 — オブザーバー" in r[2]
               for r in rows)  # Saitama's role taken away
    # Nara's secretariat reads only what concerns Nara: the observer role it still relies on, given elsewhere.
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=nara))
    nara_rows = [row.record.object_repr for row in client.get(reverse("audit_trail")).context["table"].rows]
    assert not any("伊奈町" in r for r in nara_rows)


def test_a_date_time_in_the_trail_is_in_japan_time_as_everywhere_else(client):
    """auditlog keeps a date-time as UTC without its offset: the trail showed a 10:00 meeting at 01:00."""
    import datetime
    from zoneinfo import ZoneInfo

    from apps.meetings.models import Meeting

    consortium = ConsortiumFactory(slug="a")
    meeting = Meeting.objects.create(consortium=consortium, title="総会",
                                     starts_at=datetime.datetime(2026, 4, 20, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo")))
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    assert "2026-04-20 10:00" in _described(client, meeting)[1]
    meeting.starts_at = datetime.datetime(2026, 4, 21, 14, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    meeting.save()
    assert _described(client, meeting)[1] == "開始日時: 2026-04-20 10:00 → 2026-04-21 14:30"


def test_a_record_is_named_in_japanese_in_the_trail_whatever_the_language_of_who_changed_it(client):
    """«三芳町 — …協定書 (version 2)» on the Japanese trail: the names were stored in the
    language of whoever made the change."""
    import datetime

    from apps.agreements import services as agreements
    from apps.agreements.models import Article, Contract, SlaItem

    consortium = ConsortiumFactory(slug="a")
    miyoshi = member_of(consortium, name="三芳町")
    with translation.override("en"):
        agreement = agreements.agreement_create(consortium=consortium, title="協定書")
        agreements.article_save(article=Article(agreement=agreement, number=1, heading="目的", text="…"))
        agreements.agreement_submit_for_review(agreement=agreement)
        agreements.signature_record(signature=agreement.signatures.get(), signed_on=timezone.localdate())
        contract = agreements.contract_save(contract=Contract(
            consortium=consortium, body=miyoshi, vendor="デモクラウド株式会社", title="利用契約",
            starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2031, 3, 31), annual_amount=1_000_000,
            total_amount=5_000_000))
        sla = SlaItem.objects.create(contract=contract, kind=SlaItem.Kind.AVAILABILITY, target="99.9%")
        english_names = {str(agreement), str(sla)}
        sla.delete()
    assert english_names == {"協定書 (version 1)", "Availability: 99.9%"}
    names = set(LogEntry.objects.values_list("object_repr", flat=True))
    assert {"協定書（第1版）", "三芳町 — 協定書（第1版）", "稼働率: 99.9%"} <= names
    assert not names & english_names
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    page = client.get(reverse("audit_trail")).content.decode()
    assert "三芳町 — 協定書（第1版）" in page and "(version 1)" not in page


def test_a_change_made_in_japanese_is_named_with_no_second_write():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.agreements import services as agreements

    consortium = ConsortiumFactory(slug="a")
    with translation.override("ja"), CaptureQueriesContext(connection) as queries:
        agreement = agreements.agreement_create(consortium=consortium, title="協定書")
    assert LogEntry.objects.get_for_object(agreement).get().object_repr == "協定書（第1版）"
    assert not [query for query in queries.captured_queries if query["sql"].startswith("UPDATE")]
