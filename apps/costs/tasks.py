"""Background work for the costs: the daily survey reminders (scheduled by Celery beat, see
settings) and the secretariat's imports once confirmed (apps.costs.import_jobs)."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from apps.costs import import_jobs
from apps.costs.models import IMPORT_SOFT_TIME_LIMIT, IMPORT_TIME_LIMIT, ImportJob
from apps.costs.services import survey_deadline_reminders_send

logger = logging.getLogger(__name__)


@shared_task
def send_survey_reminders() -> int:
    """Remind the members still to answer of surveys whose deadline is near; the number
    of towns written to."""
    return sum(reminder.bodies for _round, reminder in survey_deadline_reminders_send(today=timezone.localdate()))


@shared_task(acks_late=True, soft_time_limit=IMPORT_SOFT_TIME_LIMIT, time_limit=IMPORT_TIME_LIMIT)
def run_import(job_id: int) -> None:
    """Not retried by itself: an attempt that fails has written nothing, and its page offers
    to try again. Every failure ends here (in-process, without a broker, an exception would
    reach the request as a server error and leave the job running)."""
    try:
        import_jobs.import_job_run(job_id)
    except SoftTimeLimitExceeded:
        logger.exception("import job %s: over the time limit", job_id)
        import_jobs.import_job_fail(job_id, error=ImportJob.TOO_SLOW)
    except Exception:
        logger.exception("import job %s: failed", job_id)
        import_jobs.import_job_fail(job_id, error=ImportJob.FAILED)
