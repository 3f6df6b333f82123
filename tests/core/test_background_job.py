"""Every kind of background job says when a claim on it is lost: a job lost with its worker
reads as failed by that rule, and a kind without it would read as running for ever."""

import pytest

from apps.core.models import BackgroundJob
from apps.costs.models import ImportJob
from apps.reports.models import ReportJob


def test_a_kind_of_job_that_does_not_say_when_its_claim_is_lost_is_refused_when_defined():
    with pytest.raises(TypeError, match="claims_lost_before"):
        type("Unruled", (BackgroundJob,), {})


def test_the_projects_jobs_each_say_when_their_claim_is_lost():
    for kind in (ReportJob, ImportJob):
        assert kind().claims_lost_before() is not None
