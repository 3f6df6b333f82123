"""Saving a row that a unique field or constraint allows once, when two requests (a double
click, two secretariats) save it at the same moment: each checks before it writes, and
the one that checks second may still find nothing, the first not yet committed."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet


def save_validated(instance: Model, *, taken: QuerySet | None = None, refusal: ValidationError | None = None):
    """``full_clean()`` and save ``instance``; refused with ``refusal`` if a row of ``taken``
    exists. When the database refuses the row because another request saved its twin
    after the check, the refusal is the same as a moment later, not a server error:
    ``refusal`` if ``taken`` now has a row, else the model's own checks by field."""
    if taken is not None and taken.exists():
        raise refusal
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        if taken is not None and taken.exists():
            raise refusal from None
        instance.full_clean()
        raise
    return instance
