"""A new council's first import of its members: what it changes of bodies already
registered is shown before it is written, a body another council also has keeps its
details, and each member joins with the status and date it really has."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.costs import importers
from apps.members.models import MemberBody, Participation, ParticipationStatus, PopulationRecord
from apps.members.services import population_record
from tests.costs.confirming import confirm
from tests.factories import ConsortiumFactory, MemberBodyFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

HEADINGS = "団体コード,団体名,都道府県,人口,人口基準日,首長メールアドレス\n"


@pytest.fixture
def saitama():
    consortium = ConsortiumFactory(slug="saitama", name="埼玉県町村情報システム共同化推進協議会")
    member_of(consortium, code="113018", name="伊奈町", prefecture="埼玉県", population=44_000,
              mayor_email="mayor@town.ina.example")
    member_of(consortium, code="313866", name="日吉津村", kind="village", prefecture="鳥取県", population=3_500)
    return consortium


@pytest.fixture
def newcomer(client):
    consortium = ConsortiumFactory(slug="shinki", name="新協議会")
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    return consortium


def preview(client, content: str):
    sheet = io.BytesIO(content.encode())
    sheet.name = "bodies.csv"
    return client.post(reverse("import_bodies", args=["shinki"]), {"file": sheet})


def test_a_new_council_cannot_change_the_details_of_a_body_another_council_has(client, saitama, newcomer):
    """A new council's import gave Saitama's 伊奈町 the hijacker's mayor address (where Saitama's
    briefings go) and a population of 1, and renamed 日吉津村 into 島根県; the preview said only
    「4行に誤りはありません。」."""
    today = timezone.localdate().isoformat()
    response = preview(client, HEADINGS + f"113018,伊奈町,埼玉県,1,{today},hijack@example.com\n"
                                          "313866,ひえづ村,島根県,,,\n"
                                          "113247,三芳町,埼玉県,38000,2025-01-01,\n")
    errors = response.context["report"].errors
    assert [(error.row, error.column, error.value) for error in errors] == [
        (2, "首長メールアドレス", "hijack@example.com"), (2, "人口", "1"), (3, "団体名", "ひえづ村"),
        (3, "都道府県", "島根県")]
    assert all("埼玉県町村情報システム共同化推進協議会" in error.reason and "管理者" in error.reason for error in errors)
    assert "現在: mayor@town.ina.example" in errors[0].reason and "現在: 鳥取県" in errors[3].reason
    assert "token" not in response.context
    ina = MemberBody.objects.get(code="113018")
    assert (ina.mayor_email, ina.population) == ("mayor@town.ina.example", 44_000)
    assert ina.populations.count() == 1
    assert MemberBody.objects.get(code="313866").name == "日吉津村"
    assert not newcomer.participations.exists()


def test_a_body_another_council_has_joins_with_its_details_unchanged(client, saitama, newcomer):
    """Its row as registered — or with only its code, name and prefecture: a column the file
    lacks changes nothing — adds it to the new council, invited."""
    response = preview(client, "団体コード,団体名,都道府県,人口,人口基準日\n113018,伊奈町,埼玉県,44000,2025-01-01\n"
                               "313866,日吉津村,鳥取県,,\n")
    assert response.context["token"] and not response.context["body_changes"]
    confirm(client, reverse("import_bodies", args=["shinki"]), response.context["token"])
    assert set(newcomer.participations.values_list("body__code", "status")) == {
        ("113018", "invited"), ("313866", "invited")}
    assert MemberBody.objects.get(code="113018").mayor_email == "mayor@town.ina.example"


def test_the_preview_lists_every_change_to_a_registered_body_old_and_new(client, newcomer):
    """A body no other council has may be corrected by the import, in plain view."""
    body = MemberBodyFactory(code="113247", name="三芳町", prefecture="埼玉県", mayor_email="old@miyoshi.example")
    population_record(body=body, population=38_000, as_of=datetime.date(2024, 1, 1))
    member_of(newcomer, code="113425", name="越生町", prefecture="埼玉県")
    response = preview(client, HEADINGS + "113247,三芳町,埼玉県,38500,2025-01-01,new@miyoshi.example\n"
                                          "113425,越生町,埼玉県,,,\n")
    assert response.context["token"]
    [(number, name, changes)] = response.context["body_changes"]
    assert (number, name) == (2, "三芳町")
    assert [(change.column, change.old, change.new) for change in changes] == [
        ("首長メールアドレス", "old@miyoshi.example", "new@miyoshi.example"),
        ("人口", "38,000（2024-01-01）", "38,500（2025-01-01）")]
    page = response.content.decode()
    assert "old@miyoshi.example" in page and "new@miyoshi.example" in page
    confirm(client, reverse("import_bodies", args=["shinki"]), response.context["token"])
    body.refresh_from_db()
    assert (body.mayor_email, body.population) == ("new@miyoshi.example", 38_500)


def test_the_import_refuses_a_shared_bodys_change_whatever_parsed_the_file(saitama, newcomer):
    """The save checks what the preview checks: rows read for no council are refused for this one."""
    parsed = importers.parse_bodies((HEADINGS + "113018,伊奈町,埼玉県,,,hijack@example.com\n").encode(), "b.csv")
    assert parsed.ok  # for no council (the administrator's import_bodies), a change is allowed
    with pytest.raises(importers.ImportRefused) as refused:
        importers.apply_bodies(parsed, consortium=newcomer)
    assert [(error.row, error.column) for error in refused.value.report.errors] == [(2, "首長メールアドレス")]
    assert MemberBody.objects.get(code="113018").mayor_email == "mayor@town.ina.example"


def test_members_join_with_the_status_and_day_the_file_gives(client, newcomer):
    """Imported members were all 招待 as of today, and their history could not be recorded."""
    response = preview(client, "団体コード,団体名,都道府県,参加状況,開始日\n"
                               "113018,伊奈町,埼玉県,協議会参加,2012-04-01\n"
                               "113247,三芳町,埼玉県,live,2014/1/1\n"
                               "113425,越生町,埼玉県,,\n")
    assert response.context["token"], response.context["report"].errors
    confirm(client, reverse("import_bodies", args=["shinki"]), response.context["token"])
    joined = {p.body.code: p for p in Participation.objects.filter(consortium=newcomer).select_related("body")}
    assert [(c.status, c.start_date) for c in joined["113018"].history.all()] == [
        ("council", datetime.date(2012, 4, 1))]
    assert joined["113247"].status == ParticipationStatus.LIVE
    assert joined["113247"].actual_go_live == datetime.date(2014, 1, 1)
    assert [(c.status, c.start_date) for c in joined["113425"].history.all()] == [
        ("invited", timezone.localdate())]


def test_an_unknown_status_or_a_start_day_still_ahead_is_named(client, newcomer):
    ahead = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = preview(client, "団体コード,団体名,都道府県,参加状況,開始日\n"
                               "113018,伊奈町,埼玉県,加入,2012-04-01\n"
                               f"113247,三芳町,埼玉県,招待,{ahead}\n")
    errors = response.context["report"].errors
    assert [(error.row, error.column) for error in errors] == [(2, "参加状況"), (3, "開始日")]
    assert "招待・研究会・協議会参加・参加表明・稼働・離脱" in errors[0].reason
    assert "今日より後" in errors[1].reason
    assert not MemberBody.objects.exists() and not PopulationRecord.objects.exists()


def test_a_council_the_shared_body_has_joined_changes_its_details_and_is_told_who_else_sees_them(client, saitama,
                                                                                                 newcomer):
    """Once 伊奈町 has joined the new council too (研究会 onwards), a new mayor's address is
    that council's to record as well; the preview says Saitama sees it too."""
    Participation.objects.create(consortium=newcomer, body=MemberBody.objects.get(code="113018"),
                                 status=ParticipationStatus.STUDY_GROUP)
    response = preview(client, HEADINGS + "113018,伊奈町,埼玉県,,,new-mayor@town.ina.example\n")
    assert response.context["token"] and not response.context["report"].errors
    assert any("埼玉県町村情報システム共同化推進協議会にも反映されます" in warning
               for warning in response.context["report"].warnings)
    confirm(client, reverse("import_bodies", args=["shinki"]), response.context["token"])
    assert MemberBody.objects.get(code="113018").mayor_email == "new-mayor@town.ina.example"


def test_the_member_page_follows_the_imports_rule_for_a_shared_body(client, saitama, newcomer):
    ina = MemberBody.objects.get(code="113018")
    participation = Participation.objects.create(consortium=newcomer, body=ina, status=ParticipationStatus.INVITED)
    url = reverse("member_manage", args=["shinki", "113018"])
    details = {"form": "details", "details-name": "伊奈町", "details-kind": "town", "details-prefecture": "埼玉県",
               "details-mayor_email": "hijack@example.com"}
    refused = client.post(url, details)
    assert refused.status_code == 200 and "まだ参加していません" in refused.content.decode()
    population = {"form": "population", "population-population": "1", "population-as_of": "2025-06-01",
                  "population-source": "registry"}
    assert "まだ参加していません" in client.post(url, population).content.decode()
    ina.refresh_from_db()
    assert (ina.mayor_email, ina.population) == ("mayor@town.ina.example", 44_000)
    participation.status = ParticipationStatus.STUDY_GROUP
    participation.save()
    page = client.get(url).content.decode()
    assert "埼玉県町村情報システム共同化推進協議会にも反映されます" in page
    assert client.post(url, {**details, "details-mayor_email": "new@town.ina.example"}).status_code == 302
    assert MemberBody.objects.get(code="113018").mayor_email == "new@town.ina.example"


def test_the_import_takes_dates_from_1990_to_2100_as_the_forms_do(client, newcomer):
    """«0202-01-01» became a member's history from the year 202, printed so in its briefing."""
    response = preview(client, "団体コード,団体名,都道府県,人口,人口基準日,参加状況,開始日\n"
                               "292052,古い村,奈良県,100,0202-01-01,稼働,0202-04-01\n")
    errors = response.context["report"].errors
    assert {(error.row, error.column) for error in errors} == {(2, "人口基準日"), (2, "開始日")}
    assert not MemberBody.objects.filter(code="292052").exists()


def test_the_imports_message_counts_a_new_population_as_a_change(client, newcomer):
    """«2 rows imported: 1 added, 0 changed, 1 unchanged» though 伊奈町's population had changed."""
    from django.conf import settings

    ina = member_of(newcomer, code="113018", name="伊奈町", prefecture="埼玉県", population=44_000)
    member_of(newcomer, code="113247", name="三芳町", prefecture="埼玉県", population=38_000)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def imported(content):
        response = preview(client, "団体コード,団体名,都道府県,人口,人口基準日\n" + content)
        done = confirm(client, reverse("import_bodies", args=["shinki"]), response.context["token"], follow=True)
        return [done.context["summary"]]

    assert imported("113018,伊奈町,埼玉県,44500,2025-10-01\n113247,三芳町,埼玉県,38000,2025-01-01\n") == [
        "2 rows imported: 0 added, 1 changed, 1 unchanged."]
    assert ina.populations.count() == 2
    assert imported("113247,三芳町,埼玉県,38100,2025-01-01\n") == [  # a count corrected is a change too
        "1 row imported: 0 added, 1 changed, 0 unchanged."]
    assert imported("113247,三芳町,埼玉県,38100,2025-01-01\n") == ["1 row imported: 0 added, 0 changed, 1 unchanged."]
