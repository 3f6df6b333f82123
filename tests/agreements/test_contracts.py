"""Contracts and their SLA: validation, renewal reminders, who sees which, the audit trail."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.agreements import selectors, services
from apps.agreements.models import Contract, SlaItem
from apps.core.formatting import japanese_date
from tests.factories import ConsortiumFactory, member_of, user_with_role

pytestmark = pytest.mark.django_db

TERM = {"vendor": "デモクラウド株式会社", "starts_on": datetime.date(2026, 4, 1), "ends_on": datetime.date(2031, 3, 31),
        "annual_amount": 12_000_000, "total_amount": 60_000_000}


def contract(consortium, body=None, **changes) -> Contract:
    fields = {**TERM, "title": f"基幹系クラウド利用契約（{body.name if body else '一括'}）", **changes}
    return services.contract_save(contract=Contract(consortium=consortium, body=body, **fields))


def test_a_contract_must_end_after_it_starts(consortium, ina):
    with pytest.raises(ValidationError):
        contract(consortium, ina, ends_on=TERM["starts_on"])
    assert not Contract.objects.exists()


def test_a_contract_is_for_a_member_of_its_consortium(consortium):
    outsider = member_of(ConsortiumFactory(slug="nara"), name="香芝市")
    with pytest.raises(ValidationError) as refusal:
        contract(consortium, outsider)
    assert "body" in refusal.value.message_dict


def test_contracts_are_due_for_renewal_from_their_notice_period_until_they_end(consortium, ina, miyoshi):
    ending = contract(consortium, ina, ends_on=datetime.date(2027, 3, 31))  # reminder from 2026-10-02
    contract(consortium, miyoshi)  # ends in 2031
    contract(consortium, ends_on=datetime.date(2026, 9, 30), starts_on=datetime.date(2021, 10, 1))  # ended
    due = lambda today: list(selectors.contracts_due_for_renewal(consortium=consortium, today=today))  # noqa: E731
    assert due(datetime.date(2026, 10, 1)) == []
    assert due(datetime.date(2026, 10, 2)) == [ending]
    assert due(datetime.date(2027, 3, 31)) == [ending]
    assert due(datetime.date(2027, 4, 1)) == []
    assert selectors.contracts_due_for_renewal(consortium=consortium, today=datetime.date(2026, 10, 2)).get(
    ).remind_from == datetime.date(2026, 10, 2)


def test_a_shorter_notice_period_starts_the_reminder_later(consortium, ina):
    contract(consortium, ina, ends_on=datetime.date(2027, 3, 31), notice_days=30)
    assert not selectors.contracts_due_for_renewal(consortium=consortium, today=datetime.date(2027, 2, 28)).exists()
    assert selectors.contracts_due_for_renewal(consortium=consortium, today=datetime.date(2027, 3, 1)).exists()


def test_members_see_their_own_and_bulk_contracts_but_not_another_bodys(consortium, ina, miyoshi):
    own, other, bulk = contract(consortium, ina), contract(consortium, miyoshi), contract(consortium)
    elsewhere = contract(ConsortiumFactory(slug="nara"))
    staff = user_with_role(Role.STAFF, body=ina)
    assert set(Contract.objects.for_user(staff)) == {own, bulk}
    assert set(selectors.body_contracts(user=staff, body=ina)) == {own, bulk}
    observer = user_with_role(Role.OBSERVER, consortium=consortium)
    assert set(Contract.objects.for_user(observer)) == {own, other, bulk}
    assert set(selectors.body_contracts(user=observer, body=miyoshi)) == {other, bulk}
    assert elsewhere not in Contract.objects.for_user(observer)


def test_a_member_reads_its_contract_page_but_not_another_bodys(client, consortium, ina, miyoshi):
    own, other = contract(consortium, ina), contract(consortium, miyoshi)
    SlaItem.objects.create(contract=own, kind=SlaItem.Kind.AVAILABILITY, target="99.9%")
    client.force_login(user_with_role(Role.STAFF, body=ina))
    page = client.get(reverse("contract_detail", args=[own.pk]))
    assert page.status_code == 200 and "99.9%" in page.content.decode()
    assert client.get(reverse("contract_detail", args=[other.pk])).status_code == 404
    listed = client.get(reverse("contract_list", args=[consortium.slug])).context["contracts"]
    assert list(listed) == [own]


def test_the_secretariat_records_a_contract_with_its_sla_on_one_page(client, consortium, secretariat, ina):
    client.force_login(secretariat)
    response = client.post(reverse("contract_create", args=[consortium.slug]), {
        "body": str(ina.pk), "vendor": "デモクラウド株式会社", "title": "個別契約", "service_type": "saas",
        "starts_on": "2026-04-01", "ends_on": "2031-03-31", "annual_amount": "12000000",
        "total_amount": "60000000", "notice_days": "180",
        "sla-TOTAL_FORMS": "2", "sla-INITIAL_FORMS": "0", "sla-MIN_NUM_FORMS": "0", "sla-MAX_NUM_FORMS": "1000",
        "sla-0-kind": "availability", "sla-0-target": "99.9%", "sla-0-note": "",
        "sla-1-kind": "", "sla-1-target": "", "sla-1-note": "",
    })
    created = Contract.objects.get()
    assert response["Location"] == reverse("contract_detail", args=[created.pk])
    assert list(created.sla_items.values_list("kind", "target")) == [("availability", "99.9%")]


def test_the_contract_page_shows_a_refusal_next_to_the_form(client, consortium, secretariat, ina):
    client.force_login(secretariat)
    response = client.post(reverse("contract_create", args=[consortium.slug]), {
        "body": str(ina.pk), "vendor": "v", "title": "t", "service_type": "saas", "starts_on": "2026-04-01",
        "ends_on": "2026-04-01", "annual_amount": "1", "total_amount": "1", "notice_days": "180",
        "sla-TOTAL_FORMS": "0", "sla-INITIAL_FORMS": "0", "sla-MIN_NUM_FORMS": "0", "sla-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 200 and response.context["form"].errors
    assert not Contract.objects.exists()


def test_a_contract_change_is_in_the_audit_trail_with_who_before_and_after(client, consortium, secretariat, ina):
    existing = contract(consortium, ina)
    client.force_login(secretariat)
    client.post(reverse("contract_edit", args=[existing.pk]), {
        "body": str(ina.pk), "vendor": existing.vendor, "title": existing.title, "service_type": "saas",
        "starts_on": "2026-04-01", "ends_on": "2031-03-31", "annual_amount": "13000000",
        "total_amount": "65000000", "notice_days": "180",
        "sla-TOTAL_FORMS": "0", "sla-INITIAL_FORMS": "0", "sla-MIN_NUM_FORMS": "0", "sla-MAX_NUM_FORMS": "1000",
    })
    entry = LogEntry.objects.get_for_object(existing).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == secretariat
    assert entry.changes_dict["annual_amount"] == ["12000000", "13000000"]
    assert f"|{consortium.pk}|" in entry.additional_data["consortia"]


def test_the_secretariat_is_reminded_once_of_each_contract_entering_its_notice_period(consortium, ina, miyoshi,
                                                                                      secretariat):
    from django.core import mail
    from django.core.management import call_command

    nara_beside(secretariat)
    ending = contract(consortium, ina, ends_on=datetime.date(2027, 3, 31))  # reminder from 2026-10-02
    contract(consortium, miyoshi)  # ends 2031
    call_command("send_renewal_reminders", "--today", "2026-10-01", stdout=open("/dev/null", "w"))
    assert mail.outbox == []
    call_command("send_renewal_reminders", "--today", "2026-10-02", stdout=open("/dev/null", "w"))
    [message] = mail.outbox
    assert message.to == ["jimukyoku@saitama.example"]
    assert ending.title in message.body and "三芳町" not in message.body
    assert Contract.objects.get(pk=ending.pk).reminder_sent_on == datetime.date(2026, 10, 2)
    call_command("send_renewal_reminders", "--today", "2026-10-03", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1  # once per contract
    # Extended by a year: a new end, a new renewal to be reminded of.
    ending = Contract.objects.get(pk=ending.pk)  # as the edit page reads it: reminded already
    ending.ends_on = datetime.date(2028, 3, 31)
    services.contract_save(contract=ending)
    call_command("send_renewal_reminders", "--today", "2027-10-05", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 2 and ending.title in mail.outbox[1].body


def nara_beside(secretariat):
    """Nara, a second council; its secretariat and Saitama's (``secretariat``) with an address each."""
    secretariat.email = "jimukyoku@saitama.example"
    secretariat.save()
    nara = ConsortiumFactory(slug="nara")
    nara_secretariat = user_with_role(Role.SECRETARIAT, consortium=nara)
    nara_secretariat.email = "jimukyoku@nara.example"
    nara_secretariat.save()
    return nara


def two_councils_due_for_renewal(consortium, ina, secretariat):
    """Saitama and Nara, each with a contract in its notice period on 2026-12-01."""
    nara = nara_beside(secretariat)
    return (contract(consortium, ina, ends_on=datetime.date(2027, 3, 31)),
            contract(nara, member_of(nara, name="香芝市"), ends_on=datetime.date(2027, 3, 31)))


def test_a_council_whose_reminder_fails_to_send_is_reminded_next_run_and_the_others_now(consortium, ina, secretariat,
                                                                                     monkeypatch):
    """The mail server refusing Saitama's reminder was a crash of the run: Nara's was never sent."""
    from django.core import mail
    from django.core.mail import EmailMultiAlternatives

    saitamas, naras = two_councils_due_for_renewal(consortium, ina, secretariat)
    send = EmailMultiAlternatives.send

    def refuse_saitama(message, *args, **kwargs):
        if "jimukyoku@saitama.example" in message.to:
            raise OSError("mail server unreachable")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_saitama)
    reminders = services.renewal_reminders_send(today=datetime.date(2026, 12, 1))
    assert [message.to for message in mail.outbox] == [["jimukyoku@nara.example"]]
    assert [(r.consortium.slug, r.error) for r in reminders] == [("saitama", "mail server unreachable"), ("nara", "")]
    assert Contract.objects.get(pk=saitamas.pk).reminder_sent_on is None  # left for the next run
    monkeypatch.undo()
    services.renewal_reminders_send(today=datetime.date(2026, 12, 2))
    assert [message.to for message in mail.outbox] == [["jimukyoku@nara.example"], ["jimukyoku@saitama.example"]]
    assert Contract.objects.get(pk=naras.pk).reminder_sent_on == datetime.date(2026, 12, 1)


def test_beat_and_the_cron_command_running_at_once_send_each_reminder_once(consortium, ina, secretariat, monkeypatch):
    """Both found the contract not yet reminded, and both sent it: each run now claims it first."""
    from django.core import mail
    from django.core.mail import EmailMultiAlternatives

    two_councils_due_for_renewal(consortium, ina, secretariat)
    send, other_run = EmailMultiAlternatives.send, []

    def while_the_other_run_starts(message, *args, **kwargs):
        if not other_run:  # the other process runs while this one is sending its first message
            other_run.append("started")
            services.renewal_reminders_send(today=datetime.date(2026, 12, 1))
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", while_the_other_run_starts)
    services.renewal_reminders_send(today=datetime.date(2026, 12, 1))
    assert sorted(message.to[0] for message in mail.outbox) == ["jimukyoku@nara.example", "jimukyoku@saitama.example"]


def test_a_reminder_cannot_come_before_the_contract_starts(consortium, ina):
    with pytest.raises(ValidationError) as refusal:
        contract(consortium, ina, notice_days=30_000)
    assert "notice_days" in refusal.value.message_dict and not Contract.objects.exists()


def test_the_daily_task_sends_the_reminders_of_today(consortium, ina, secretariat, monkeypatch):
    from django.core import mail
    from django.utils import timezone

    from apps.agreements.tasks import send_renewal_reminders

    secretariat.email = "jimukyoku@saitama.example"
    secretariat.save()
    contract(consortium, ina, ends_on=datetime.date(2027, 3, 31))
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 12, 1))
    assert send_renewal_reminders.delay().get() == 1
    assert len(mail.outbox) == 1


def test_an_end_before_the_start_is_refused_under_the_end_date_with_no_reminder_figure(client, consortium, secretariat,
                                                                                      ina):
    """It said 「通知は契約満了の -31 日前までにしてください」 and never that the end was before the start."""
    client.force_login(secretariat)
    response = client.post(reverse("contract_create", args=[consortium.slug]), {
        "body": str(ina.pk), "vendor": "v", "title": "t", "service_type": "saas", "starts_on": "2026-04-01",
        "ends_on": "2026-03-01", "annual_amount": "1", "total_amount": "1", "notice_days": "180",
        "sla-TOTAL_FORMS": "0", "sla-INITIAL_FORMS": "0", "sla-MIN_NUM_FORMS": "0", "sla-MAX_NUM_FORMS": "1000",
    })
    errors = response.context["form"].errors
    assert errors["ends_on"] == ["契約満了日は契約開始日より後の日付にしてください。"]
    assert "notice_days" not in errors and "__all__" not in errors
    assert "-31 日前" not in response.content.decode() and not Contract.objects.exists()


def test_the_contracts_page_writes_every_date_in_the_era_as_the_contract_page_does(client, consortium, secretariat,
                                                                                     ina):
    ends_on = timezone.localdate() + datetime.timedelta(days=60)  # inside its renewal notice period: in both boxes
    due = contract(consortium, ina, starts_on=datetime.date(2022, 4, 1), ends_on=ends_on)
    client.force_login(secretariat)
    page = client.get(reverse("contract_list", args=[consortium.slug])).content.decode()
    detail = client.get(reverse("contract_detail", args=[due.pk])).content.decode()
    term = f"{japanese_date(due.starts_on, 'era')} – {japanese_date(ends_on, 'era')}"
    assert term in detail and term in page
    assert page.count(japanese_date(ends_on, "era")) == 2  # the renewal box and the list
    assert japanese_date(ends_on) not in page and japanese_date(due.starts_on) not in page
