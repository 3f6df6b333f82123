"""The secretariat's forms: the council's own settings, and for a member its details,
its participation, its population and its ownership profile."""

import datetime
import unicodedata

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from apps.core.forms import SensibleDates, SingleLineField
from apps.core.widgets import FastDateInput, FastSelect, FastTextInput
from apps.core.limits import COUNT_LIMIT
from apps.members.models import (
    Asset,
    Consortium,
    Holding,
    MemberBody,
    Participation,
    ParticipationStatus,
    PopulationRecord,
    validate_local_government_code,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BodyDetailsForm(forms.ModelForm):
    class Meta:
        model = MemberBody
        fields = ["name", "kana", "kind", "prefecture", "district", "mayor_name", "mayor_email", "it_staff_count",
                  "contact"]
        widgets = {"contact": forms.Textarea(attrs={"rows": 3})}


class GoLiveForm(SensibleDates, forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["planned_go_live", "actual_go_live"]
        widgets = {"planned_go_live": DATE_INPUT, "actual_go_live": DATE_INPUT}


class StatusChangeForm(SensibleDates, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=ParticipationStatus.choices)
    on = forms.DateField(label=_("From"), initial=datetime.date.today, widget=DATE_INPUT,
                         help_text=_("The current status again with another day corrects the day it started, "
                                     "while it is the member's only status."))
    note = SingleLineField(label=_("Note"), required=False, max_length=200,
                           help_text=_("e.g. the meeting or letter that decided it"))


class BulkStatusForm(SensibleDates, forms.Form):
    """A change of status for many members: the chosen ones (``codes``, once reviewed), or
    those the member list's filter (``filter``, its query string) matches (``everyone``)."""

    # Written out in Python (apps.core.widgets): the form sits under every page of the member list.
    status = forms.ChoiceField(label=_("New status"), choices=ParticipationStatus.choices,
                               widget=FastSelect(attrs={"class": "form-select"}))
    on = forms.DateField(label=_("From"), initial=datetime.date.today,
                         widget=FastDateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"))
    note = SingleLineField(label=_("Note"), required=False, max_length=200,
                           help_text=_("e.g. the meeting or letter that decided it"),
                           widget=FastTextInput(attrs={"class": "form-control"}))
    codes = SingleLineField(required=False, widget=forms.HiddenInput)
    filter = SingleLineField(required=False, widget=forms.HiddenInput, max_length=2000)


class PopulationForm(SensibleDates, forms.ModelForm):
    class Meta:
        model = PopulationRecord
        fields = ["as_of", "population", "households", "source"]
        widgets = {"as_of": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service's own bounds (population_check), said before it is called: the model
        # field's «greater than or equal to 0» let -1 read as if 0 were a population.
        field = self.fields["population"]
        field.min_value, field.max_value = 1, COUNT_LIMIT
        field.validators = [MinValueValidator(1, message=_("A population is at least 1 resident.")),
                            MaxValueValidator(COUNT_LIMIT)]
        field.widget.attrs.update(min=1, max=COUNT_LIMIT)


class OwnershipForm(forms.Form):
    """Figure 1 of the Saitama seed: each asset owned or used as a service, before and after."""

    def __init__(self, *args, initial_rows: dict[str, tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *Holding.choices]
        for asset in Asset:
            held = dict(zip(("before", "after"), (initial_rows or {}).get(asset.value, ("", "")), strict=True))
            for when, label in (("before", _("%(asset)s before joining")), ("after", _("%(asset)s after joining"))):
                label = label % {"asset": asset.label}
                # Shown in a grid under the asset's name: the label is for screen readers.
                self.fields[f"{asset.value}_{when}"] = forms.ChoiceField(
                    label=label, choices=choices, required=False, initial=held[when],
                    widget=forms.Select(attrs={"class": "form-select form-select-sm", "aria-label": label}))

    def clean(self):
        cleaned = super().clean()
        for asset in Asset:
            if bool(cleaned.get(f"{asset.value}_before")) != bool(cleaned.get(f"{asset.value}_after")):
                self.add_error(f"{asset.value}_after", _("Give both before and after, or neither."))
        return cleaned

    def rows(self) -> dict[str, tuple[str, str]]:
        return {asset.value: (self.cleaned_data[f"{asset.value}_before"], self.cleaned_data[f"{asset.value}_after"])
                for asset in Asset if self.cleaned_data.get(f"{asset.value}_before")}

    def pairs(self):
        """(asset label, before field, after field) for the template's grid."""
        return [(asset.label, self[f"{asset.value}_before"], self[f"{asset.value}_after"]) for asset in Asset]


class MemberAddForm(SensibleDates, forms.Form):
    """A new member. A body the installation knows already (a town in two councils) joins
    by its code alone, its details unchanged; an unknown code needs the body's details."""

    code = SingleLineField(label=_("Local government code"), max_length=6,
                           help_text=_("6 digits, the last a check digit (全国地方公共団体コード)"))
    name = SingleLineField(label=_("Name of the body"), max_length=100, required=False)
    kana = SingleLineField(label=_("Reading (kana)"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *MemberBody.Kind.choices], required=False)
    prefecture = SingleLineField(label=_("Prefecture"), max_length=10, required=False)
    district = SingleLineField(label=_("District (郡)"), max_length=50, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=ParticipationStatus.choices,
                               initial=ParticipationStatus.INVITED)
    on = forms.DateField(label=_("From"), initial=datetime.date.today, widget=DATE_INPUT)

    NEW_BODY_FIELDS = ("name", "kind", "prefecture")

    def clean_code(self):
        # «１１２１９４» typed with a Japanese input method is 112194.
        code = "".join(unicodedata.normalize("NFKC", self.cleaned_data["code"]).split())
        validate_local_government_code(code)
        return code

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code and not MemberBody.objects.filter(code=code).exists():
            for name in self.NEW_BODY_FIELDS:
                if not cleaned.get(name):
                    self.add_error(name, _("Needed for a body new to this system."))
        return cleaned

    def body_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name", "kana", "kind", "prefecture", "district")}


class ConsortiumDetailsForm(forms.ModelForm):
    class Meta:
        model = Consortium
        fields = ["name", "kind", "contract_style", "purpose", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ComparisonPublishForm(forms.Form):
    published = forms.BooleanField(required=False)
