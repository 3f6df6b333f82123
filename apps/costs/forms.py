from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms import modelformset_factory
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.core.forms import IdMultipleChoiceField, SensibleDates, SingleLineField, YenField, id_formfield
from apps.core.limits import FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR
from apps.core.widgets import FastCheckboxInput, FastDateInput, FastSelect, FastTextInput, FastYenInput
from apps.costs.models import BusinessSystem, CostRecord


class CostRecordForm(SensibleDates, forms.ModelForm):
    class Meta:
        model = CostRecord
        formfield_callback = id_formfield
        fields = ["business_system", "category", "amount", "vendor", "contract_end"]
        # Typed as people write it (2,957,000, 2957千円) and shown with its separators.
        field_classes = {"amount": YenField}
        # A year of figures is forty rows of five fields: written out in Python (apps.core.widgets).
        widgets = {"business_system": FastSelect(attrs={"class": "form-select form-select-sm"}),
                   "category": FastSelect(attrs={"class": "form-select form-select-sm"}),
                   "amount": FastYenInput(attrs={"class": "form-control form-control-sm text-end"}),
                   "vendor": FastTextInput(attrs={"class": "form-control form-control-sm"}),
                   "contract_end": FastDateInput(attrs={"type": "date", "class": "form-control form-control-sm"})}

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("An amount cannot be negative."))
        return amount


class CostRecordBaseFormSet(forms.BaseModelFormSet):
    """A member's figures for one year, a row each. Every row offers the same business
    systems — ``systems``, the national catalogue and its councils' own
    (selectors.catalogue_for_body) — read once for every row's menu: left to itself each
    row's field would read them again (a query per row). An answer is still checked
    against ``systems`` in the database, so a system of another council is refused."""

    def __init__(self, *args, systems: QuerySet[BusinessSystem], **kwargs):
        self.systems = systems
        super().__init__(*args, **kwargs)

    @cached_property
    def system_choices(self) -> list[tuple]:
        field = self.form.base_fields["business_system"]
        return [("", field.empty_label), *((system.pk, field.label_from_instance(system)) for system in self.systems)]

    def add_fields(self, form, index):
        super().add_fields(form, index)
        field = form.fields["business_system"]
        field.queryset = self.systems        # what an answer is checked against
        field.choices = self.system_choices  # what the menu shows, read once (set after the queryset, which resets it)
        form.fields["DELETE"].widget = FastCheckboxInput(attrs={"class": "form-check-input"})


# At most a row per business system and category with room to spare; a tampered form
# count beyond is refused, not built (Django would build up to a thousand more forms).
CostRecordFormSet = modelformset_factory(CostRecord, form=CostRecordForm, formset=CostRecordBaseFormSet, extra=3,
                                         can_delete=True, max_num=500, absolute_max=500, validate_max=True)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20})
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


UNIT_CHOICES = [("yen", _("yen (円)")), ("thousand", _("thousand yen (千円)"))]


class CostImportForm(ImportForm):
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=FIRST_FISCAL_YEAR, max_value=LAST_FISCAL_YEAR)
    unit = forms.ChoiceField(label=_("Amounts in the file are in"), choices=UNIT_CHOICES)


class BodyCostImportForm(ImportForm):
    """A body's own figures; the year is the page's."""

    unit = forms.ChoiceField(label=_("Amounts in the file are in"), choices=UNIT_CHOICES)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyRoundOpenForm(SensibleDates, forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year surveyed"), min_value=FIRST_FISCAL_YEAR,
                                     max_value=LAST_FISCAL_YEAR,
                                     help_text=_("The year whose costs the members report (April to March)."))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)


class SurveyDeadlineForm(SensibleDates, forms.Form):
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)


class ScopeForm(forms.Form):
    systems = IdMultipleChoiceField(label=_("In scope"), queryset=BusinessSystem.objects.none(), required=False,
                                    widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = catalogue


class BusinessSystemForm(forms.Form):
    name_ja = SingleLineField(label=_("Name (Japanese)"), max_length=100)
    name_en = SingleLineField(label=_("Name (English)"), max_length=100)
