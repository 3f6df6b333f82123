"""Demo meetings for saitama: two held (minutes, attendance, decisions, actions) and the
next one planned with its agenda and a material. Dates are set around the day of
seeding so that "the next meeting" is always ahead; seeding again adds nothing."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.meetings import services
from apps.meetings.models import Meeting
from apps.meetings.selectors import meeting_members
from apps.members.models import Consortium
from apps.reports.pdf import html_to_pdf

MATERIAL_HTML = """<!doctype html><html lang="ja"><style>
@font-face { font-family: "BIZ UDGothic"; src: url("fonts/BIZUDGothic-Regular.ttf"); }
body { font-family: "BIZ UDGothic"; } </style><body>
<h1>資料1　協定書（第2版）改正案の概要</h1>
<p>（デモデータ）第2版では、構成団体の加入手続と経費負担の再按分に関する条文を改めます。</p>
</body></html>"""


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def seed_meetings(*, consortium: Consortium) -> None:
    if consortium.meetings.exists():
        return
    study = services.meeting_save(
        consortium=consortium, kind=Meeting.Kind.STUDY_GROUP, title="第5回 研究会", starts_at=_at(-60, 14),
        venue="埼玉県町村会館 会議室", status=Meeting.Status.HELD,
        minutes="令和7年度現行経費調査の結果を確認した。按分方法（均等割3：人口割7）を次回協議会に諮ることとした。")
    members = meeting_members(meeting=study)
    services.attendance_record(meeting=study, rows=[
        services.AttendanceRow(body_id=body.pk, status="present" if index % 6 else "proxy",
                               attendees="情報担当課長" if index % 6 else "")
        for index, body in enumerate(members)])
    services.agenda_item_add(meeting=study, title="令和7年度現行経費調査の結果", presenter="事務局")
    # Approved once its record is complete: from then on the record stays as it is.
    services.meeting_save(consortium=consortium, meeting=study, status=Meeting.Status.MINUTES_APPROVED)

    council = services.meeting_save(
        consortium=consortium, kind=Meeting.Kind.COUNCIL, title="第2回 協議会", starts_at=_at(-20, 10),
        venue="埼玉県町村会館 大会議室", status=Meeting.Status.HELD)
    services.decision_record(
        meeting=council, text="令和8年度の経費按分（均等割3：人口割7、最低削減率10%保証）を了承する。",
        outcome="agreed", positions={body.pk: "agree" for body in members})
    for body in members:
        if body.code in ("113018", "113247"):
            services.action_add(meeting=council, text="協定書（第2版）への署名・押印", owner=body,
                                due_on=timezone.localdate() + datetime.timedelta(days=30))

    upcoming = services.meeting_save(
        consortium=consortium, kind=Meeting.Kind.COUNCIL, title="第3回 協議会", starts_at=_at(21, 14),
        venue="埼玉県町村会館 大会議室", online_url="https://meet.example.invalid/saitama-council-3")
    agenda = services.agenda_item_add(meeting=upcoming, title="協定書（第2版）改正案について", presenter="事務局")
    agenda.document.save("資料1_協定書改正案の概要.pdf", ContentFile(html_to_pdf(MATERIAL_HTML)))
    services.agenda_item_add(meeting=upcoming, title="稼働スケジュールの確認", presenter="事務局")
