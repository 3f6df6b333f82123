import unicodedata

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.forms import (IdChoiceField, IdMultipleChoiceField, SensibleDates, SingleLineField, YenField,
                             bound_fiscal_years, bound_integer, id_formfield)
from apps.procurement.models import Criterion, ProcurementCase, Proposal, ProposalStatus, RfiRound, Stage, Vendor

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VendorForm(forms.ModelForm):
    # Longer than the 13 digits it keeps: hyphens and spaces are taken out in clean.
    corporate_number = SingleLineField(label=capfirst(_("corporate number")), max_length=20,
                                       help_text=Vendor._meta.get_field("corporate_number").help_text)

    class Meta:
        model = Vendor
        fields = ["name", "corporate_number", "address", "contact", "email"]

    def clean_corporate_number(self):
        # As people type it: full-width digits, hyphens or spaces between the groups.
        raw = unicodedata.normalize("NFKC", self.cleaned_data["corporate_number"])
        return "".join(character for character in raw if character not in "- ")


class CaseForm(forms.ModelForm):
    class Meta:
        model = ProcurementCase
        fields = ["title", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class StageForm(SensibleDates, forms.Form):
    stage = forms.ChoiceField(label=capfirst(_("stage")), choices=Stage.choices)
    on = forms.DateField(label=capfirst(_("from")), widget=DATE)
    note = SingleLineField(label=capfirst(_("note")), max_length=300, required=False)


class RfiRoundForm(SensibleDates, forms.ModelForm):
    invited = IdMultipleChoiceField(label=capfirst(_("invited vendors")), queryset=Vendor.objects.none(),
                                    widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = RfiRound
        fields = ["title", "issued_on", "due_on", "first_fiscal_year", "last_fiscal_year", "cost_fiscal_year"]
        widgets = {"issued_on": DATE, "due_on": DATE}

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = vendors
        # Fiscal years a council can mean: a round of years 0–5, or 40000, was taken.
        bound_fiscal_years(self, "first_fiscal_year", "last_fiscal_year", "cost_fiscal_year")
        if self.instance.pk:
            self.fields["invited"].initial = list(self.instance.invited.values_list("pk", flat=True))


class RfiResponseChangeForm(SensibleDates, forms.Form):
    """A response as it can be corrected: when it arrived and what it says."""

    received_on = forms.DateField(label=capfirst(_("received on")), widget=DATE)
    summary = forms.CharField(label=capfirst(_("summary")), widget=forms.Textarea(attrs={"rows": 4}),
                              required=False)


class RfiResponseForm(RfiResponseChangeForm):
    """A response recorded: from which vendor, too."""

    vendor = IdChoiceField(label=capfirst(_("vendor")), queryset=Vendor.objects.none())
    field_order = ["vendor", "received_on", "summary"]

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors


class GridForm(forms.Form):
    """One whole-number field per (row, column), keyed by their primary keys: indicative
    quotes (business system × fiscal year) and scores (proposal × criterion). ``rows_heading``
    names the rows' column (business system, vendor) for screen readers."""

    def __init__(self, *args, rows: list[tuple[int, str]], columns: list[tuple[int, str, int | None]],
                 current: dict[tuple[int, int], int], rows_heading: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.columns, self.rows_heading = rows, columns, rows_heading
        for row_key, row_label in rows:
            for column_key, column_label, maximum in columns:
                label, initial = f"{row_label} / {column_label}", current.get((row_key, column_key))
                # Quotes in yen, typed as people write them; scores up to their criterion's maximum.
                self.fields[self._name(row_key, column_key)] = (
                    YenField(label=label, required=False, initial=initial) if maximum is None else
                    forms.IntegerField(label=label, min_value=0, max_value=maximum, required=False, initial=initial))

    @staticmethod
    def _name(row_key, column_key) -> str:
        return f"cell_{row_key}_{column_key}"

    def table(self):
        """(row label, its bound fields) for the template's one-row-per-key table."""
        return [(row_label, [self[self._name(row_key, column_key)] for column_key, _l, _m in self.columns])
                for row_key, row_label in self.rows]

    def values(self) -> dict[tuple[int, int], int | None]:
        return {(row_key, column_key): self.cleaned_data[self._name(row_key, column_key)]
                for row_key, _label in self.rows for column_key, _l, _m in self.columns}


class EvaluationForm(forms.Form):
    price_points_max = forms.IntegerField(
        label=capfirst(_("maximum price points")), min_value=1, max_value=1000,
        help_text=_("The price score of the lowest price; other prices get it × lowest price ÷ their price."))
    evaluators = IdMultipleChoiceField(label=capfirst(_("evaluators")), queryset=User.objects.none(),
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Chosen from the consortium's secretariat."))

    def __init__(self, *args, choices, eligible, balance_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if balance_fixed:
            self.fields["price_points_max"].disabled = True
            self.fields["price_points_max"].help_text = _(
                "Fixed: scoring has begun, and the balance of technical and price points was set before it.")
        field = self.fields["evaluators"]
        field.queryset = choices
        eligible_ids = set(eligible.values_list("pk", flat=True))
        # An evaluator chosen before leaving the secretariat is still offered, and says so.
        field.label_from_instance = lambda user: (str(user) if user.pk in eligible_ids
                                                  else _("%(name)s (no longer in the secretariat)") % {"name": user})


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = ["name", "max_points"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Points on the same scale as the price's (EvaluationForm): past it a figure is a slip.
        bound_integer(self.fields["max_points"], 1, 1000)


class ProposalForm(forms.ModelForm):
    price = YenField(label=_("Price offered (yen)"), min_value=1)

    class Meta:
        model = Proposal
        fields = ["vendor", "price"]
        formfield_callback = id_formfield

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors


class ProposalPriceForm(forms.ModelForm):
    """A proposal's vendor stays; only its price is corrected."""

    price = YenField(label=_("Price offered (yen)"), min_value=1)

    class Meta:
        model = Proposal
        fields = ["price"]


class SelectionForm(forms.Form):
    proposal = IdChoiceField(label=capfirst(_("selected proposal")), queryset=Proposal.objects.none())
    reason = forms.CharField(label=capfirst(_("reason for the selection")),
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals


class ProposalExclusionForm(forms.Form):
    """A vendor out of the evaluation: withdrawn (辞退) or disqualified (失格), and why."""

    status = forms.ChoiceField(label=capfirst(_("status")), widget=forms.RadioSelect,
                               choices=[(ProposalStatus.WITHDRAWN, ProposalStatus.WITHDRAWN.label),
                                        (ProposalStatus.DISQUALIFIED, ProposalStatus.DISQUALIFIED.label)])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("As the record will give it: the vendor's notice, or the requirement "
                                         "it did not meet."))
