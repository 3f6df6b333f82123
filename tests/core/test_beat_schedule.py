"""The daily reminders go out each morning at a fixed hour of Japan's clock (8:00 unless
``CONSORTIUM_REMINDER_HOUR`` says otherwise). Scheduled every 24 hours from whenever beat
started, they went out at 23:46 after a late deploy, and nothing for a day after it."""

import datetime
import os
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings

from consortium.celery import app

TOKYO = ZoneInfo("Asia/Tokyo")
REMINDERS = sorted(name for name in settings.CELERY_BEAT_SCHEDULE if name.endswith("-reminders"))


def next_run(schedule, *, after: datetime.datetime) -> datetime.datetime:
    schedule = crontab(minute=schedule.minute, hour=schedule.hour, app=app, nowfun=lambda: after)
    return after + schedule.remaining_estimate(after)


@pytest.mark.parametrize("name", REMINDERS)
def test_a_reminder_goes_out_at_eight_in_the_morning_japan_time_even_after_a_late_deploy(name):
    schedule = settings.CELERY_BEAT_SCHEDULE[name]["schedule"]
    assert isinstance(schedule, crontab)
    deployed = datetime.datetime(2026, 12, 7, 23, 46, tzinfo=TOKYO)
    assert next_run(schedule, after=deployed) == datetime.datetime(2026, 12, 8, 8, 0, tzinfo=TOKYO)
    early = datetime.datetime(2026, 12, 8, 6, 30, tzinfo=TOKYO)
    assert next_run(schedule, after=early) == datetime.datetime(2026, 12, 8, 8, 0, tzinfo=TOKYO)


def schedule_hours(hour: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "consortium.settings", "CONSORTIUM_REMINDER_HOUR": hour}
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(sorted({h for n, e in settings.CELERY_BEAT_SCHEDULE.items() if n.endswith('-reminders') "
            "for h in e['schedule'].hour}))")
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)


def test_the_hour_is_set_from_the_environment_and_a_wrong_one_stops_the_start_up():
    assert schedule_hours("7").stdout.strip() == "[7]"
    refused = schedule_hours("25")
    assert refused.returncode != 0 and "CONSORTIUM_REMINDER_HOUR" in refused.stderr


def test_the_reminders_are_the_two_daily_ones():
    assert REMINDERS == ["contract-renewal-reminders", "survey-deadline-reminders"]


def test_report_jobs_the_broker_lost_are_looked_for_every_minute_and_a_stale_sweep_is_dropped():
    sweep = settings.CELERY_BEAT_SCHEDULE["requeue-unclaimed-report-jobs"]
    assert sweep["task"] in app.tasks
    assert sweep["schedule"] == datetime.timedelta(minutes=1) and sweep["options"]["expires"] == 60
