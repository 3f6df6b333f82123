"""Form helpers shared by the apps' views."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.core.limits import EARLIEST_DATE, FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR, LATEST_DATE


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: under its field if the form has one, else
    on top, so the user sees which field to correct."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in by_field.items():
        form.add_error(field if field in form.fields else None, texts)


def within_calendar(value: datetime.date | datetime.datetime) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(_("Enter a date between %(earliest)s and %(latest)s."), code="out_of_calendar",
                              params={"earliest": date_format(EARLIEST_DATE), "latest": date_format(LATEST_DATE)})


class SensibleDates:
    """A form mixin: every date and date-time field takes dates from 1990 to 2100 only
    (apps.core.limits), and its date picker says so."""

    PICKER_BOUNDS = {"date": (EARLIEST_DATE.isoformat(), LATEST_DATE.isoformat()),
                     "datetime-local": (f"{EARLIEST_DATE.isoformat()}T00:00", f"{LATEST_DATE.isoformat()}T23:59")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                field.validators = [*field.validators, within_calendar]  # each form has its own copy of its fields
                bounds = self.PICKER_BOUNDS.get(getattr(field.widget, "input_type", ""))
                if bounds:
                    field.widget.attrs.setdefault("min", bounds[0])
                    field.widget.attrs.setdefault("max", bounds[1])


def bound_fiscal_years(form: forms.BaseForm, *names: str) -> None:
    """Fiscal-year fields of a model form take the years a council can mean (2000–2100)."""
    for name in names:
        field = form.fields[name]
        field.min_value, field.max_value = FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
        field.validators = [*field.validators, MinValueValidator(FIRST_FISCAL_YEAR),
                            MaxValueValidator(LAST_FISCAL_YEAR)]
        field.widget.attrs.update(min=FIRST_FISCAL_YEAR, max=LAST_FISCAL_YEAR)
