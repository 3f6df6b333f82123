"""Plans in the web app: inputs from the survey, publishing, immutability, scenarios."""

import datetime
import json
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from apps.accounts.models import Role
from apps.allocation import services
from apps.allocation.models import AllocationPlan, FrozenPlanError, PlanMember, Pool, Scenario
from apps.allocation.selectors import published_shares
from apps.members.services import population_record
from tests.factories import ConsortiumFactory, SurveyRoundFactory, add_cost, business_system, member_of, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def consortium():
    return ConsortiumFactory(slug="saitama")


@pytest.fixture
def plan(consortium):
    member_of(consortium, name="伊奈町", population=40000, cost=100_000_000)
    member_of(consortium, name="東秩父村", population=3000, cost=20_000_000)
    member_of(consortium, name="横瀬町", population=8000, cost=30_000_000)
    SurveyRoundFactory(consortium=consortium, fiscal_year=2025, status="locked")  # the figures reviewed
    return services.plan_create(
        consortium=consortium, name="案", fiscal_year=2026, cost_fiscal_year=2025,
        population_basis_date=datetime.date(2025, 6, 1), guarantee=Decimal("0.10"),
        pools=[{"name": "基幹系", "amount": 90_000_000, "equal_ratio": Decimal("0.3"),
                "population_ratio": Decimal("0.7")}],
    )


def test_engine_input_takes_population_on_the_basis_date_and_costs_of_the_year(plan):
    body = plan.members.get(body__name="伊奈町").body
    population_record(body=body, population=99999, as_of=datetime.date(2025, 12, 1))  # after the basis date
    add_cost(body, 5_000_000, fiscal_year=2024)  # another year: not compared
    inputs = services.plan_engine_input(plan)
    ina = next(member for member in inputs.members if member.code == body.code)
    assert ina.population == 40000
    assert ina.current_cost == 100_000_000


def test_a_pool_for_every_system_beside_one_for_a_single_system_compares_the_whole_cost(plan):
    """A pool without business systems pays for everything: a smaller pool for one system
    beside it does not narrow the comparison to that system (a member's whole cost
    showed as its cost for that one system alone, and savings of −158 %)."""
    ina = plan.members.get(body__name="伊奈町").body
    family = business_system("family_register")  # the plan's members' other costs are resident registry's
    add_cost(ina, 3_000_000, business_system=family)
    small = Pool.objects.create(plan=plan, name="小規模", amount=1_000_000, equal_ratio=Decimal("1"),
                                population_ratio=Decimal("0"))
    small.business_systems.set([family])
    small.bodies.set([ina])
    costs = {member.code: member.current_cost for member in services.plan_engine_input(plan).members}
    assert costs[ina.code] == 103_000_000
    plan.pools.get(name="基幹系").business_systems.set([family])
    costs = {member.code: member.current_cost for member in services.plan_engine_input(plan).members}
    assert costs[ina.code] == 3_000_000  # both pools name the one system: that is the scope


def test_shares_add_up_to_the_pool_and_respect_the_guarantee(plan):
    result = services.plan_result(plan)
    assert sum(member["share"] for member in result["members"]) == 90_000_000
    for member in result["members"]:
        assert member["share"] <= int(member["current_cost"] * Decimal("0.9"))


def test_publishing_freezes_inputs_results_version_and_who(plan):
    user = user_with_role(Role.SECRETARIAT, consortium=plan.consortium)
    published = services.plan_publish(plan=plan, by=user)
    assert published.is_published and published.published_by == user and published.engine_version
    assert published.frozen_results["total"] == 90_000_000
    assert {m["code"] for m in published.frozen_inputs["members"]} == set(plan.members.values_list("body__code", flat=True))
    assert sum(share.share for share in published_shares(published).values()) == 90_000_000


def test_publishing_and_a_pools_members_and_systems_are_in_the_audit_trail(plan):
    user = user_with_role(Role.SECRETARIAT, consortium=plan.consortium)
    pool = plan.pools.get()
    pool.bodies.set([plan.members.first().body])
    pool.business_systems.set([business_system("resident_registry")])  # where the members' costs are
    services.plan_publish(plan=plan, by=user)
    pool_changes = LogEntry.objects.get_for_object(pool).values_list("changes", flat=True)
    assert any("bodies" in str(changes) for changes in pool_changes)
    assert any("business_systems" in str(changes) for changes in pool_changes)
    publishing = LogEntry.objects.get_for_object(plan).latest("timestamp")
    assert publishing.changes_dict["status"] == ["draft", "published"]
    assert publishing.additional_data["consortia"] == f"|{plan.consortium_id}|"


def test_a_published_plan_cannot_change_in_any_way(plan):
    published = services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    with pytest.raises(FrozenPlanError):
        published.name = "changed"
        published.save()
    with pytest.raises(FrozenPlanError):
        published.delete()
    pool = published.pools.get()
    with pytest.raises(FrozenPlanError):
        pool.amount = 1
        pool.save()
    with pytest.raises(FrozenPlanError):
        Pool.objects.filter(plan=published).update(amount=1)
    with pytest.raises(FrozenPlanError):
        AllocationPlan.objects.filter(pk=published.pk).update(guarantee=None)
    with pytest.raises(FrozenPlanError), transaction.atomic():  # m2m changes run in their own atomic block
        pool.bodies.clear()
    with pytest.raises(FrozenPlanError):
        Scenario.objects.create(plan=published, name="x", equal_ratio=Decimal("0.5"), population_ratio=Decimal("0.5"))
    assert AllocationPlan.objects.get(pk=published.pk).name == "案"


def test_later_survey_changes_do_not_move_a_published_plan(plan):
    published = services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    before = services.plan_result(published)
    add_cost(plan.members.first().body, 50_000_000, fiscal_year=2025, category="hardware")
    assert services.plan_result(AllocationPlan.objects.get(pk=published.pk)) == before


def test_a_revision_is_a_new_draft_that_supersedes(plan):
    published = services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    draft, made = services.plan_revise(plan=published)
    assert made and draft.status == AllocationPlan.Status.DRAFT and draft.supersedes == published
    assert draft.pools.get().amount == 90_000_000 and draft.members.count() == 3


def test_a_second_click_on_revise_opens_the_draft_already_made(client, plan):
    """It crashed on the plan's one-revision constraint (a 500 for a double click)."""
    secretariat = user_with_role(Role.SECRETARIAT, consortium=plan.consortium)
    published = services.plan_publish(plan=plan, by=secretariat)
    client.force_login(secretariat)
    first = client.post(reverse("plan_revise", args=[published.pk]))
    second = client.post(reverse("plan_revise", args=[published.pk]), follow=True)
    draft = AllocationPlan.objects.get(supersedes=published)
    assert first["Location"] == reverse("plan_detail", args=[draft.pk])
    assert second.redirect_chain[-1][0] == reverse("plan_detail", args=[draft.pk])
    assert "この按分案の改訂版は作成中です" in second.content.decode()
    page = client.get(reverse("plan_detail", args=[published.pk])).content.decode()
    assert reverse("plan_revise", args=[published.pk]) not in page and "改訂版（下書き）を開く" in page


def test_a_plan_superseded_by_a_published_revision_is_not_revised_again(client, plan):
    secretariat = user_with_role(Role.SECRETARIAT, consortium=plan.consortium)
    published = services.plan_publish(plan=plan, by=secretariat)
    revision, _ = services.plan_revise(plan=published)
    revision.name = "改訂後の按分案"
    revision.save()
    services.plan_publish(plan=revision, by=secretariat)
    with pytest.raises(ValidationError, match="「改訂後の按分案」"):
        services.plan_revise(plan=published)
    client.force_login(secretariat)
    response = client.post(reverse("plan_revise", args=[published.pk]), follow=True)
    assert "改訂後の按分案" in response.content.decode()
    assert AllocationPlan.objects.filter(supersedes=published).count() == 1


def test_scenarios_show_which_leaves_everyone_better_off(client, plan):
    plan.guarantee = None
    plan.save()
    Scenario.objects.create(plan=plan, name="3:7", equal_ratio=Decimal("0.3"), population_ratio=Decimal("0.7"))
    Scenario.objects.create(plan=plan, name="total up", equal_ratio=Decimal("0.5"), population_ratio=Decimal("0.5"),
                            total_amount=200_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    response = client.get(reverse("plan_scenarios", args=[plan.pk]))
    columns = response.context["table"]["columns"]
    assert [c["better_off"] for c in columns] == [True, False]
    assert columns[1]["total"] == 200_000_000


def test_a_national_plans_scenarios_list_the_members_a_page_at_a_time_with_each_total_of_all(
        client, plan, monkeypatch):
    from apps.allocation import views

    monkeypatch.setattr(views, "RESULT_ROWS_PER_PAGE", 2)
    plan.guarantee = None
    plan.save()
    Scenario.objects.create(plan=plan, name="total up", equal_ratio=Decimal("0.5"), population_ratio=Decimal("0.5"),
                            total_amount=200_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    first, second = (client.get(reverse("plan_scenarios", args=[plan.pk]), {"page": number}) for number in (1, 2))
    assert [len(page.context["table"]["rows"]) for page in (first, second)] == [2, 1]
    assert first.context["table"]["columns"][0]["total"] == 200_000_000  # of every member, not of the page
    assert "data-pager" in first.content.decode()


def test_scaled_amounts_add_up_exactly():
    assert services.scaled_amounts([1, 1, 1], 100) == [34, 33, 33]
    assert sum(services.scaled_amounts([123_456, 654_321, 1], 999_999_999)) == 999_999_999


def test_members_see_published_plans_only(client, plan):
    body = plan.members.first().body
    client.force_login(user_with_role(Role.STAFF, body=body))
    assert client.get(reverse("plan_detail", args=[plan.pk])).status_code == 404
    services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    assert client.get(reverse("plan_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plan_pools", args=[plan.pk])).status_code == 403


def test_secretariat_publishes_from_the_page_and_cannot_edit_afterwards(client, plan):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    response = client.post(reverse("plan_publish", args=[plan.pk]))
    assert response.status_code == 302
    assert AllocationPlan.objects.get(pk=plan.pk).is_published
    assert client.get(reverse("plan_edit", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plan_pools", args=[plan.pk]), {}).status_code == 403


def test_live_preview_recomputes_without_saving(client, plan):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    response = client.get(reverse("plan_preview", args=[plan.pk]), {"guarantee": "0.5"})
    assert "15,000,000 円が不足" in response.context["error"] and "最大 40.00%" in response.context["error"]
    assert AllocationPlan.objects.get(pk=plan.pk).guarantee == Decimal("0.10")


def test_the_preview_says_its_ratios_are_fractions_of_one(client, plan):
    # Its fields refuse 10 for 10 %, as the plan's own form does; the page says so beside them.
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert 'max="1" name="guarantee"' in page and 'aria-describedby="preview-help"' in page
    assert "0から1の比率で入力します（0.10は10%）。" in page


def test_allocate_command_formats(tmp_path):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps({
        "guarantee": None,
        "members": [{"code": "113018", "name": "伊奈町", "population": 44442, "current_cost": 98000000}],
        "pools": [{"name": "基幹系", "amount": 250000000, "equal_ratio": "0.3", "population_ratio": "0.7",
                   "members": ["113018"]}],
    }), encoding="utf-8")
    out = tmp_path / "result.json"
    call_command("allocate", "--input", str(plan_file), "--output", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == {
        "total": 250000000,
        "members": [{"code": "113018", "pools": {"基幹系": 250000000}, "base": 250000000, "adjustment": 0,
                     "share": 250000000, "current_cost": 98000000, "saving": -152000000, "saving_ratio": "-1.5510"}],
    }


def test_allocate_command_refuses_bad_plans_with_status_2_writing_nothing(tmp_path, capsys):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps({
        "guarantee": None,
        "members": [{"code": "113018", "name": "伊奈町", "population": 44442, "current_cost": 98000000}],
        "pools": [{"name": "基幹系", "amount": 250000000, "equal_ratio": "0.3", "population_ratio": "0.6"}],
    }), encoding="utf-8")
    out = tmp_path / "result.json"
    with pytest.raises(SystemExit) as exit_info:
        call_command("allocate", "--input", str(plan_file), "--output", str(out))
    assert exit_info.value.code == 2
    assert "基幹系" in capsys.readouterr().err
    assert not out.exists()


def test_two_pools_of_one_name_are_refused_in_words(client, plan):
    existing = plan.pools.get()
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    pool = {"name": "基幹系", "amount": "1000", "equal_ratio": "0.3", "population_ratio": "0.7"}
    response = client.post(reverse("plan_pools", args=[plan.pk]), {
        "pools-TOTAL_FORMS": "2", "pools-INITIAL_FORMS": "1", "pools-MIN_NUM_FORMS": "0", "pools-MAX_NUM_FORMS": "40",
        "pools-0-id": existing.pk, "pools-0-plan": plan.pk, **{f"pools-0-{k}": v for k, v in pool.items()},
        "pools-1-plan": plan.pk, **{f"pools-1-{k}": v for k, v in pool.items()}})
    page = response.content.decode()
    assert response.status_code == 200 and "同じ名前の按分対象経費" in page and "name の重複" not in page
    assert plan.pools.count() == 1


def test_a_member_without_a_cost_is_named_and_can_be_left_out_of_the_guarantee(client, plan):
    """The engine refused in English, by code, pointing at a JSON key («"guaranteed":
    false») no page offered; the page names the member and the secretariat unticks it."""
    newcomer = member_of(plan.consortium, name="上尾市", population=20000)  # joined; no cost reported
    PlanMember.objects.create(plan=plan, body=newcomer)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "上尾市" in page and "保証" in page and "guaranteed" not in page
    guarantee_page = client.get(reverse("plan_guarantees", args=[plan.pk])).content.decode()
    assert "報告なし" in guarantee_page
    ticked = {f"guaranteed_{member.body_id}": "on" for member in plan.members.exclude(body=newcomer)}
    assert client.post(reverse("plan_guarantees", args=[plan.pk]), ticked).status_code == 302
    assert not plan.members.get(body=newcomer).guaranteed and plan.members.filter(guaranteed=True).count() == 3
    result = services.plan_result(plan)
    assert sum(member["share"] for member in result["members"]) == 90_000_000
    assert LogEntry.objects.get_for_model(PlanMember).filter(action=LogEntry.Action.UPDATE).count() == 1


def test_an_unmeetable_guarantee_is_explained_in_percent_and_yen(client, plan):
    plan.guarantee = Decimal("0.6")
    plan.save()
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "60.0%" in page and "90,000,000" in page and "cannot be met" not in page


def test_a_total_above_what_the_members_pay_today_says_no_saving_can_be_guaranteed(client, plan):
    """A new service that costs more than the members' current costs together: no
    guarantee can hold, and the page says so instead of failing."""
    plan.pools.update(amount=200_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    for name in ("plan_detail", "plan_preview"):
        response = client.get(reverse(name, args=[plan.pk]))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert "150,000,000" in page and "200,000,000" in page and "最低削減率を保証できません" in page, name


@pytest.mark.parametrize("typed", [{"guarantee": "abc"}, {"equal_ratio": "1.5"}, {"guarantee": "-0.1"},
                                   {"equal_ratio": "0.333333"}])
def test_a_preview_of_a_figure_typed_wrong_says_so_instead_of_showing_the_saved_plan(client, plan, typed):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    response = client.get(reverse("plan_preview", args=[plan.pk]), typed)
    page = response.content.decode()
    assert "試算できません" in page and "伊奈町" not in page  # no result rows


def test_the_guarantee_page_refuses_ticks_on_members_without_a_cost_naming_them_all(client, plan):
    newcomers = [member_of(plan.consortium, name=name, population=20000) for name in ("上尾市", "桶川市")]
    for body in newcomers:
        PlanMember.objects.create(plan=plan, body=body)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "上尾市、桶川市" in page  # the engine's refusal names both at once
    everyone = {f"guaranteed_{member.body_id}": "on" for member in plan.members.all()}
    refused = client.post(reverse("plan_guarantees", args=[plan.pk]), everyone).content.decode()
    assert "上尾市、桶川市" in refused and plan.members.filter(guaranteed=False).count() == 0


def test_a_plan_and_a_briefing_say_who_is_left_out_of_the_guarantee(client, plan):
    """Both said «every member is guaranteed» with a member left out; that member's mayor
    read that the town was guaranteed a saving it was not."""
    ina = plan.members.get(body__name="伊奈町")
    services.plan_guarantees_set(plan=plan, guaranteed_body_ids=set(
        plan.members.exclude(pk=ina.pk).values_list("body_id", flat=True)))
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "伊奈町を除くすべての構成団体" in page
    published = services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    from apps.reports.selectors import Options, briefing_context
    context = briefing_context(consortium=plan.consortium, body=ina.body, plan=published, fiscal_year=2025,
                               options=Options())
    assert context["left_out"] == ["伊奈町"] and not context["guaranteed"]
    from apps.reports import services as reports
    from apps.reports.models import Kind
    from tests.pdf_reading import text_of
    text = "".join(text_of(reports.render_pdf(kind=Kind.BRIEFING, consortium=plan.consortium, fiscal_year=2025,
                                              plan=published, body=ina.body, options=Options())).split())
    assert "構成団体（伊奈町を除く）が現行経費から少なくとも" in text and "貴団体はこの最低削減保証の対象外です" in text


def test_a_published_plan_is_superseded_only_once_its_revision_is_published(client, plan):
    secretariat = user_with_role(Role.SECRETARIAT, consortium=plan.consortium)
    published = services.plan_publish(plan=plan, by=secretariat)
    draft, _made = services.plan_revise(plan=published)
    member = user_with_role(Role.STAFF, body=published.members.first().body)
    for user in (secretariat, member):
        client.force_login(user)
        page = client.get(reverse("plan_detail", args=[published.pk])).content.decode()
        assert "差し替え済み" not in page
    assert reverse("plan_detail", args=[draft.pk]) not in page  # a member is never led to a draft
    services.plan_publish(plan=draft, by=secretariat)
    assert "差し替え済み" in client.get(reverse("plan_detail", args=[published.pk])).content.decode()


def test_a_town_reads_the_other_members_costs_on_a_plan_only_once_the_comparison_is_published(client, plan):
    """Every member's named current cost and saving were on the plan's page for every town,
    while the secretariat kept the named comparison unpublished."""
    published = services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    ina = published.members.get(body__name="伊奈町").body
    client.force_login(user_with_role(Role.MAYOR, body=ina))
    page = client.get(reverse("plan_detail", args=[published.pk])).content.decode()
    assert "100,000,000" in page  # its own current cost
    assert "20,000,000" not in page and "30,000,000" not in page  # 東秩父村's and 横瀬町's
    assert "東秩父村" in page and "公表" in page  # their shares are there; the reason for the rest is said
    plan.consortium.comparison_published = True
    plan.consortium.save()
    page = client.get(reverse("plan_detail", args=[published.pk])).content.decode()
    assert "20,000,000" in page and "30,000,000" in page


def test_a_plans_scenarios_withhold_the_other_members_costs_and_savings_as_its_page_does(client, plan):
    Scenario.objects.create(plan=plan, name="5:5", equal_ratio=Decimal("0.5"), population_ratio=Decimal("0.5"))
    published = services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    ina = published.members.get(body__name="伊奈町").body
    client.force_login(user_with_role(Role.STAFF, body=ina))
    response = client.get(reverse("plan_scenarios", args=[published.pk]))
    page = response.content.decode()
    assert "100,000,000" in page and "20,000,000" not in page and "30,000,000" not in page
    others = [row for row in response.context["table"]["rows"] if row["code"] != ina.code]
    assert all(cell["share"] and cell["saving"] is None and cell["saving_ratio"] is None
               for row in others for cell in row["cells"])
    plan.consortium.comparison_published = True
    plan.consortium.save()
    assert "20,000,000" in client.get(reverse("plan_scenarios", args=[published.pk])).content.decode()


def test_a_plan_is_published_only_from_a_locked_survey(client, plan):
    """Publishing freezes the members' current costs, which they read once the comparison
    is published: a town's unfinished answer must not be among them."""
    from apps.costs.models import SurveyRound

    survey = plan.consortium.survey_rounds.get(fiscal_year=2025)
    survey.status = SurveyRound.Status.OPEN
    survey.save()
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.post(reverse("plan_publish", args=[plan.pk]), follow=True).content.decode()
    plan.refresh_from_db()
    assert not plan.is_published and "2025" in page and "確定" in page
    survey.delete()  # a year with figures but no survey: nobody reviewed them either
    client.post(reverse("plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert not plan.is_published
    SurveyRoundFactory(consortium=plan.consortium, fiscal_year=2025, status=SurveyRound.Status.LOCKED)
    client.post(reverse("plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.is_published


def test_a_plan_is_refused_on_a_council_with_no_member_to_share_it(client):
    """An empty council got a plan 「…すべて含めて按分案を作成しました」 that then only said
    a pool had nobody to share it."""
    empty = ConsortiumFactory(slug="shinki", name="新規協議会")
    member_of(empty, name="研究会町").participations.update(status="study_group")  # not yet in council
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=empty))
    response = client.post(reverse("plan_create", args=["shinki"]), {
        "name": "案", "fiscal_year": 2026, "cost_fiscal_year": 2025, "population_basis_date": "2025-06-01"})
    assert response.status_code == 200 and not AllocationPlan.objects.exists()
    refusal = " ".join(response.context["form"].non_field_errors())
    assert "新規協議会" in refusal and "協議会参加" in refusal  # who counts


def test_a_draft_plans_members_are_brought_up_to_the_councils_with_the_audit_trail(client, consortium, plan):
    from apps.members.models import ParticipationStatus
    from apps.members.services import participation_set_status

    secretariat = user_with_role(Role.SECRETARIAT, consortium=consortium)
    client.force_login(secretariat)
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "3 団体" in page and "伊奈町" in page and "data-members-differ" not in page
    joining = member_of(consortium, name="三芳町")
    leaving = plan.members.get(body__name="横瀬町").body
    plan.pools.get().bodies.set([leaving, plan.members.get(body__name="伊奈町").body])
    participation_set_status(participation=leaving.participations.get(), status=ParticipationStatus.WITHDRAWN,
                             on=datetime.date(2025, 7, 1))
    page = client.get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert "data-members-differ" in page and "三芳町" in page and reverse("plan_members_sync", args=[plan.pk]) in page
    page = client.post(reverse("plan_members_sync", args=[plan.pk]), follow=True).content.decode()
    assert set(plan.members.values_list("body__name", flat=True)) == {"伊奈町", "東秩父村", "三芳町"}
    assert list(plan.pools.get().bodies.values_list("name", flat=True)) == ["伊奈町"]
    assert "data-members-differ" not in page and "三芳町" in page
    # Not «the council's members when the plan was made»: 三芳町 joined since.
    assert "（按分案の作成時、または対象団体を最後に構成団体に合わせた時点の構成団体）" in page and "作成した時点の構成団体" not in page
    created = LogEntry.objects.get_for_model(PlanMember).filter(action=LogEntry.Action.CREATE, actor=secretariat)
    deleted = LogEntry.objects.get_for_model(PlanMember).filter(action=LogEntry.Action.DELETE, actor=secretariat)
    assert ["三芳町" in entry.object_repr for entry in created] == [True]
    assert ["横瀬町" in entry.object_repr for entry in deleted] == [True]


def test_a_published_plans_members_stay_as_published(client, consortium, plan):
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=consortium))
    services.plan_publish(plan=plan, by=None)
    member_of(consortium, name="三芳町")
    assert client.post(reverse("plan_members_sync", args=[plan.pk])).status_code == 403
    assert plan.members.count() == 3


def test_a_published_plans_scenarios_are_worked_out_from_its_frozen_figures(client, plan):
    Scenario.objects.create(plan=plan, name="5:5", equal_ratio=Decimal("0.5"), population_ratio=Decimal("0.5"))
    published = services.plan_publish(plan=plan, by=user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    ina = published.members.get(body__name="伊奈町").body
    add_cost(ina, 10_000_000, category="hardware")  # a correction after publishing, the year reopened
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    rows = client.get(reverse("plan_scenarios", args=[published.pk])).context["table"]["rows"]
    assert next(row for row in rows if row["code"] == ina.code)["current_cost"] == 100_000_000


def test_the_guarantees_re_allocation_onto_members_outside_it_is_named_with_its_amount(client, plan):
    """A member without a current cost, outside the guarantee perforce, took most of the pool at
    a high guarantee, unremarked."""
    member_of(plan.consortium, name="古い村", population=100)
    services.plan_members_sync(plan=plan)
    PlanMember.objects.filter(plan=plan, body__name="古い村").update(guaranteed=False)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.get(reverse("plan_preview", args=[plan.pk]), {"guarantee": "0.5"}).content.decode()
    assert "data-burdened" in page and "古い村 +" in page and "現行経費の報告なし" in page
    assert "data-burdened" not in client.get(reverse("plan_preview", args=[plan.pk]), {"guarantee": "0"}).content.decode()


def test_a_scenario_that_cannot_be_worked_out_says_why_above_the_table(client, plan):
    """On a phone the table scrolls sideways and its foot is far below: the reason a
    scenario has no result is said before the table, and its column is marked."""
    Scenario.objects.create(plan=plan, name="高すぎる総額", equal_ratio=Decimal("0.5"),
                            population_ratio=Decimal("0.5"), total_amount=200_000_000)
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=plan.consortium))
    page = client.get(reverse("plan_scenarios", args=[plan.pk])).content.decode()
    alert = page[page.index("data-scenario-error"):page.index("<table")]
    assert "シナリオ「高すぎる総額」は算定できません" in alert and "最低削減率を保証できません" in alert
    header = page[page.index("<thead>"):page.index("</thead>")]
    assert "算定不可" in header
    assert "最低削減率を保証できません" not in page[page.index("<table"):]
