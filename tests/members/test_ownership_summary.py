"""From owning to using (the Saitama seed's Figure 1): for each council, how many members
own their data centre, servers, large printers and application systems, and how many use
them as a service, before joining and after — on its dashboard and in the list of councils."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.members.models import Asset, Holding, OwnershipProfile, ParticipationStatus
from apps.members.selectors import ownership_summaries
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db


def holdings(consortium, body, *, owned_before=(), owned_after=()):
    participation = body.participations.get(consortium=consortium)
    for asset in Asset:
        OwnershipProfile.objects.create(
            participation=participation, asset=asset,
            before=Holding.OWNED if asset in owned_before else Holding.SERVICE,
            after=Holding.OWNED if asset in owned_after else Holding.SERVICE)


@pytest.fixture
def councils():
    full, mixed, unrecorded = ConsortiumFactory(name="埼玉"), ConsortiumFactory(name="弘前"), ConsortiumFactory(name="未記録")
    for index in range(3):
        holdings(full, member_of(full), owned_before=set(Asset))
    # A council with a large city keeps its large printers (the seed's 弘前地区).
    holdings(mixed, member_of(mixed), owned_before=set(Asset), owned_after={Asset.PRINTER})
    holdings(mixed, member_of(mixed), owned_before={Asset.SERVER})
    member_of(mixed)  # not recorded yet
    left = member_of(mixed)
    holdings(mixed, left, owned_before=set(Asset), owned_after=set(Asset))
    left.participations.update(status=ParticipationStatus.WITHDRAWN)  # the withdrawn are not counted
    member_of(unrecorded)
    return full, mixed, unrecorded


def test_each_council_counts_its_members_holdings_before_and_after(councils):
    full, mixed, unrecorded = councils
    summaries = ownership_summaries(consortia=[full, mixed, unrecorded])
    assert summaries[full.pk].full_service and not summaries[full.pk].still_owned
    assert [(s.owned_before, s.service_before, s.owned_after, s.service_after) for s in summaries[full.pk].assets] \
        == [(3, 0, 0, 3)] * 4
    mixed_summary = summaries[mixed.pk]
    assert (mixed_summary.members, mixed_summary.profiled, mixed_summary.unrecorded) == (3, 2, 1)
    assert not mixed_summary.full_service
    assert [shift.asset for shift in mixed_summary.still_owned] == [Asset.PRINTER]
    server = next(shift for shift in mixed_summary.assets if shift.asset == Asset.SERVER)
    assert (server.owned_before, server.service_before, server.owned_after, server.service_after) == (2, 0, 0, 2)
    assert summaries[unrecorded.pk].profiled == 0 and not summaries[unrecorded.pk].full_service


def test_the_dashboard_says_what_is_still_owned_and_what_is_not_recorded(client, councils):
    _full, mixed, _unrecorded = councils
    client.force_login(user_with_role(Role.SECRETARIAT, consortium=mixed))
    page = client.get(reverse("consortium_dashboard", args=[mixed.slug])).content.decode()
    assert "所有から利用へ" in page
    assert "参加後も所有している資産：大型プリンター（団体数は表のとおり）。" in page
    assert "1団体の所有状況はまだ記録されていません。" in page


def test_the_list_of_councils_gives_each_its_type_after_joining(client, councils):
    full, mixed, unrecorded = councils
    user = user_with_role(Role.OBSERVER, consortium=full)
    for other in (mixed, unrecorded):
        user.roles.create(role=Role.OBSERVER, consortium=other)
    client.force_login(user)
    page = client.get(reverse("consortium_list")).content.decode()
    rows = {name: page.split(f">{name}</a>")[1].split("</tr>")[0] for name in ("埼玉", "弘前", "未記録")}
    assert "完全利用型" in rows["埼玉"]
    assert "所有あり：大型プリンター" in rows["弘前"]
    assert "完全利用型" not in rows["未記録"] and "所有あり" not in rows["未記録"]
