"""Celery tasks: primary keys in, services do the work.

Late acknowledgement and prefetch 1 are set in settings; a job is claimed before it is
rendered, so a retry or a redelivered message never renders it twice.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from apps.reports import services

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True)
def render_job(self, job_id: int) -> None:
    try:
        services.job_run(job_id)
    except SoftTimeLimitExceeded as error:
        services.job_release(job_id, error=f"time limit: {error}", final=True)
    except Exception as error:
        final = self.request.retries >= self.max_retries
        services.job_release(job_id, error=f"{type(error).__name__}: {error}", final=final)
        if not final:
            # Exponential backoff: 2, 4, 8 seconds.
            raise self.retry(exc=error, countdown=2 ** (self.request.retries + 1)) from error


@shared_task(acks_late=True)
def send_briefing(report_id: int, user_id: int) -> bool:
    """E-mail one briefing to its mayor, once (see services.briefing_send_once)."""
    from django.contrib.auth import get_user_model

    delivery = services.briefing_send_once(report_id=report_id, by=get_user_model().objects.get(pk=user_id))
    return bool(delivery and delivery.ok)
