"""Celery tasks: primary keys in, services do the work.

Late acknowledgement and prefetch 1 are set in settings; a job is claimed before it is
rendered, so a retry or a redelivered message never renders it twice while the attempt
holding it may still be running (services.job_claim).
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from apps.reports import services
from apps.reports.models import ReportJob

MAX_RETRIES = 3

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def render_job(self, job_id: int) -> None:
    try:
        # A message the broker gives back (its pool process died) may take over its own claim.
        services.job_run(job_id, task_id=self.request.id or "",
                         redelivered=bool((self.request.delivery_info or {}).get("redelivered")))
    except SoftTimeLimitExceeded:
        logger.exception("report job %s: over the time limit", job_id)
        services.job_release(job_id, error=ReportJob.TOO_SLOW, final=True)
    except Exception as error:
        # In-process (no broker: the demo, CELERY_TASK_ALWAYS_EAGER) nobody delivers a retry
        # later, and the Retry raised under eager propagation reached the request as a 500,
        # leaving the job waiting for good: there the job fails at once, to be retried by hand.
        final = self.app.conf.task_always_eager or self.request.retries >= self.max_retries
        logger.exception("report job %s: attempt %s failed%s", job_id, self.request.retries + 1,
                         "" if final else ", to be retried")
        services.job_release(job_id, error=ReportJob.FAILED, final=final)
        if not final:
            # Exponential backoff: 2, 4, 8 seconds.
            raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task(acks_late=True)
def send_briefing(report_id: int, user_id: int) -> bool:
    """E-mail one briefing to its mayor, once (see services.briefing_send_once)."""
    from django.contrib.auth import get_user_model

    delivery = services.briefing_send_once(report_id=report_id, by=get_user_model().objects.get(pk=user_id))
    return bool(delivery and delivery.ok)


@shared_task
def requeue_unclaimed_jobs() -> int:
    """Every minute (settings.CELERY_BEAT_SCHEDULE): the jobs the broker lost before a
    worker took them are sent again; how many."""
    return services.jobs_requeue_unclaimed()
