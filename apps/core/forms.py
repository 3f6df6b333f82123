"""Form helpers shared by the apps' views."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from apps.core.formatting import reader_reads_japanese
from apps.core.limits import EARLIEST_DATE, FIRST_FISCAL_YEAR, ID_RANGE, LAST_FISCAL_YEAR, LATEST_DATE
from apps.core.tabular import CellError, parse_yen
from apps.core.widgets import FastSelect, FastTextInput
from apps.core.validators import SingleLine


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: under its field if the form has one, else
    on top, so the user sees which field to correct."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in by_field.items():
        form.add_error(field if field in form.fields else None, texts)


def errors_named(form: forms.BaseForm) -> list[str]:
    """A form's errors, each after its field's label, for a page that shows them away from
    the form (a message above a table): «このフィールドは必須です。» alone names nothing."""
    return [f"{capfirst(form.fields[name].label)}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items() for error in errors]


class YenField(forms.IntegerField):
    """An amount in whole yen as people type it: 1,000,000, full-width digits, ¥ or 円, and
    万円 or 千円 read as such (apps.core.tabular.parse_yen, as the importers read a cell);
    refused past the council's limit (apps.core.limits.YEN_LIMIT), which it names."""

    # Text, not a number input: a browser refuses to submit 1,000,000 typed in a number input.
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, *, min_value: int = 0, **kwargs):
        kwargs.pop("max_value", None)  # the limit is YEN_LIMIT's, said in yen by parse_yen
        super().__init__(min_value=min_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_yen(str(value))
        except CellError as error:
            reason = error.reason_ja if reader_reads_japanese() else error.reason_en
            raise ValidationError(capfirst(reason), code="invalid") from error


def bound_integer(field: forms.IntegerField, minimum: int, maximum: int) -> None:
    """Bounds of a form's integer field that replace the model field's own, so a figure out
    of range gets one error with these bounds, not a second with the database's."""
    field.min_value, field.max_value = minimum, maximum
    field.validators = [validator for validator in field.validators
                        if not isinstance(validator, (MinValueValidator, MaxValueValidator))]
    field.validators += [MinValueValidator(minimum), MaxValueValidator(maximum)]
    field.widget.attrs.update(min=minimum, max=maximum)


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
        bound_integer(form.fields[name], FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR)


class SingleLineField(forms.CharField):
    """A form's text of one line, refused with a line break or any control character, as
    the models' SingleLineCharField: for a form whose service saves without full_clean."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(SingleLine(self.label))


def _refuse_ids_out_of_range(field: forms.ModelChoiceField, values) -> None:
    """An id no database key can hold names no row: refused as any unknown choice is,
    before the query — SQLite cannot bind it (OverflowError, a server error)."""
    model = field.queryset.model
    values = [value for value in values if not isinstance(value, model)]
    key = model._meta.pk if field.to_field_name in (None, "pk") else model._meta.get_field(field.to_field_name)
    if not isinstance(key, models.IntegerField):
        return
    for value in values:
        try:
            number = int(str(value))
        except ValueError:
            continue  # not a number: Django's own check refuses it
        if number not in ID_RANGE:
            raise ValidationError(field.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one row, refusing an id past the database's integer (see above). Model
    forms get it for their foreign keys through ``id_formfield``."""

    def to_python(self, value):
        if value not in self.empty_values:
            _refuse_ids_out_of_range(self, [value])
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows, refusing an id past the database's integer (see above)."""

    def _check_values(self, value):
        if isinstance(value, (list, tuple)):
            _refuse_ids_out_of_range(self, value)
        return super()._check_values(value)


def id_formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """A model form's ``Meta.formfield_callback``: its foreign keys and many-to-many
    fields become the choices above."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", IdMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", IdChoiceField)
    return db_field.formfield(**kwargs)


class InlineFilterBar:
    """A django-filter FilterSet's fields with plain Bootstrap classes: the filter bar is
    rendered inline, without crispy's per-field templates (a measurable share of a hot
    page). Listed before FilterSet among the bases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget = written_in_python(field.widget)
            field.widget.attrs.setdefault("class", "form-select" if hasattr(field, "choices") else "form-control")


def written_in_python(widget: forms.Widget) -> forms.Widget:
    """The same menu or text box, written out in Python (apps.core.widgets) instead of
    through Django's two templates a field: a filter bar of four fields took a fifth of
    the member list's time at 1,741 members."""
    if type(widget) is forms.Select:
        fast = FastSelect(attrs=widget.attrs)
        fast.choices = widget.choices
        return fast
    if type(widget) is forms.TextInput:
        return FastTextInput(attrs=widget.attrs)
    return widget
