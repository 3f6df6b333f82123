import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.audit import consortia_tag
from apps.core.validators import SingleLine


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SingleLineCharField(models.CharField):
    """A text of one line (a title, a name, a note beside a status): control characters
    refused, naming the field, wherever the model is validated (its forms, the services'
    full_clean, the importers' cells). A text of several lines is a TextField."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Named when it refuses, by then the field has its name (verbose_name may come later).
        self.validators.append(SingleLine(lambda: self.verbose_name))

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        # A CharField to the migrations: the rule is no part of the schema, and no migration
        # need name this module.
        return name, "django.db.models.CharField", args, kwargs


class AuditScoped:
    """Tags each audit-trail entry with the consortia the object belongs to, so the
    secretariat of one consortium sees its own entries only (deleted objects included).
    Models list their consortium ids in ``audit_consortium_ids``."""

    def audit_consortium_ids(self) -> list[int]:
        raise NotImplementedError(f"{type(self).__name__} must say which consortia it belongs to")

    def get_additional_data(self) -> dict:
        return consortia_tag(self.audit_consortium_ids())


class BackgroundJob:
    """A job a worker claims (``status``, ``claimed_at``) and that tells the secretariat why
    it failed (``error``, an untranslated message; ``LOST`` when its worker was lost). A job
    still running when its claim is older than ``claims_lost_before()`` was lost with its
    worker: it reads as failed. Each kind of job says when that is (``claims_lost_before``,
    from its own hard time limit): a kind that does not is refused when it is defined."""

    claims_lost_before: Callable[[], datetime.datetime]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "claims_lost_before", None)):
            raise TypeError(f"{cls.__name__} must say when a claim is lost: define claims_lost_before()")

    @property
    def lost(self) -> bool:
        return self.status == self.Status.RUNNING and self.claimed_at is not None \
            and self.claimed_at < self.claims_lost_before()

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED or self.lost

    @property
    def status_label(self) -> str:
        """Its status as the secretariat reads it: a job lost with its worker has failed."""
        return str(self.Status.FAILED.label if self.lost else self.Status(self.status).label)

    @property
    def error_message(self) -> str:
        if self.lost:
            return gettext(self.LOST)
        return gettext(self.error) if self.error else ""


class FrozenRowsQuerySet(models.QuerySet):
    """Bulk updates and deletes refused when they would reach a frozen row (a published
    plan, a concluded agreement, a closed evaluation, or anything under one).

    Each subclass names its frozen rows with ``frozen_lookup`` (filter keywords) and the
    error and messages to raise; the models refuse single saves and deletes themselves.
    """

    frozen_error: type[ValidationError] = ValidationError
    change_refusal: str
    delete_refusal: str

    @property
    def frozen_lookup(self) -> dict:
        return {}

    def _reaches_frozen_rows(self) -> bool:
        return bool(self.frozen_lookup) and self.filter(**self.frozen_lookup).exists()

    def update(self, **kwargs):
        if self._reaches_frozen_rows():
            raise self.frozen_error(self.change_refusal)
        return super().update(**kwargs)

    def delete(self):
        if self._reaches_frozen_rows():
            raise self.frozen_error(self.delete_refusal)
        return super().delete()
