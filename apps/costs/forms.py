from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.forms import modelformset_factory

from apps.costs.models import CostRecord


class CostRecordForm(forms.ModelForm):
    class Meta:
        model = CostRecord
        fields = ["business_system", "category", "amount", "vendor", "contract_end"]
        widgets = {"contract_end": forms.DateInput(attrs={"type": "date"})}

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("An amount cannot be negative."))
        return amount


# At most a row per business system and category with room to spare; a tampered form
# count beyond is refused, not built (Django would build up to a thousand more forms).
CostRecordFormSet = modelformset_factory(CostRecord, form=CostRecordForm, extra=3, can_delete=True,
                                         max_num=500, absolute_max=500, validate_max=True)


class CostFormSetHelper(FormHelper):
    template = "bootstrap5/table_inline_formset.html"
    form_tag = False


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
    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    unit = forms.ChoiceField(label=_("Amounts in the file are in"), choices=UNIT_CHOICES)


class BodyCostImportForm(ImportForm):
    """A body's own figures; the year is the page's."""

    unit = forms.ChoiceField(label=_("Amounts in the file are in"), choices=UNIT_CHOICES)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SurveyRoundOpenForm(forms.Form):
    fiscal_year = forms.IntegerField(label=_("Fiscal year surveyed"), min_value=2000, max_value=2100,
                                     help_text=_("The year whose costs the members report (April to March)."))
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)


class SurveyDeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE_INPUT)


class ScopeForm(forms.Form):
    systems = forms.ModelMultipleChoiceField(label=_("In scope"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = catalogue


class BusinessSystemForm(forms.Form):
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=100)
    name_en = forms.CharField(label=_("Name (English)"), max_length=100)
