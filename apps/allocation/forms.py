from decimal import Decimal

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from apps.allocation.models import AllocationPlan, Pool, Scenario
from apps.core.forms import SensibleDates, bound_fiscal_years, id_formfield
from apps.core.widgets import FastCheckboxInput
from apps.costs.selectors import catalogue_for


class RatiosAddUp:
    """Equal and population ratios are two parts of one whole."""

    def clean(self):
        cleaned = super().clean()
        equal, population = cleaned.get("equal_ratio"), cleaned.get("population_ratio")
        if equal is not None and population is not None and equal + population != Decimal(1):
            raise forms.ValidationError(_("The equal and population ratios must add up to 1 (e.g. 0.3 and 0.7)."))
        return cleaned


class PlanForm(SensibleDates, forms.ModelForm):
    class Meta:
        model = AllocationPlan
        fields = ["name", "fiscal_year", "cost_fiscal_year", "population_basis_date", "guarantee"]
        widgets = {"population_basis_date": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"guarantee": _("For example 0.10 guarantees every member a saving of at least 10 %.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Year 20277 was saved, and then every page of the council's plans failed.
        bound_fiscal_years(self, "fiscal_year", "cost_fiscal_year")


class PoolForm(RatiosAddUp, forms.ModelForm):
    class Meta:
        model = Pool
        formfield_callback = id_formfield
        fields = ["name", "amount", "equal_ratio", "population_ratio", "business_systems", "bodies"]
        widgets = {"business_systems": forms.SelectMultiple(attrs={"size": 4}),
                   "bodies": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["bodies"].queryset = self.fields["bodies"].queryset.filter(
                pk__in=plan.members.values("body_id"))
            # The national catalogue and this council's own systems, never another council's.
            self.fields["business_systems"].queryset = catalogue_for(consortium=plan.consortium)


class BasePoolFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        # Django's says «name の重複したデータを修正してください»: the field's code name.
        return _("Two pools have the same name: give each pool its own.")


# A pool per business system or group of them at most (Nara shared systems by groups);
# a tampered form count beyond is refused, not built.
PoolFormSet = inlineformset_factory(AllocationPlan, Pool, form=PoolForm, formset=BasePoolFormSet, extra=1,
                                    can_delete=True, max_num=40, absolute_max=40, validate_max=True)


class ScenarioForm(RatiosAddUp, forms.ModelForm):
    class Meta:
        model = Scenario
        fields = ["name", "equal_ratio", "population_ratio", "total_amount"]


ScenarioFormSet = inlineformset_factory(AllocationPlan, Scenario, form=ScenarioForm, extra=1, can_delete=True,
                                        max_num=20, absolute_max=20, validate_max=True)


class PreviewForm(forms.Form):
    """What the live preview may vary without saving the plan."""

    guarantee = forms.DecimalField(label=_("Try a guarantee"), required=False, min_value=0, max_value=1,
                                   decimal_places=4)
    # Left empty, the guarantee field keeps the plan's, and 0 is a guarantee too (no member
    # pays more than it pays today): «none» needs a choice of its own, which wins.
    no_guarantee = forms.BooleanField(label=_("No guarantee"), required=False)
    equal_ratio = forms.DecimalField(label=_("Try an equal ratio"), required=False, min_value=0, max_value=1,
                                     decimal_places=4)


class GuaranteesForm(forms.Form):
    """A tick per member of the plan: guaranteed the minimum saving or not."""

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for member in members:
            self.fields[f"guaranteed_{member.body_id}"] = forms.BooleanField(
                label=member.body.name, required=False, initial=member.guaranteed,
                widget=FastCheckboxInput(attrs={"class": "form-check-input"}))

    def rows(self):
        """(plan member, its bound tick) for the table."""
        return [(member, self[f"guaranteed_{member.body_id}"]) for member in self.members]

    def guaranteed_body_ids(self) -> set[int]:
        return {member.body_id for member in self.members if self.cleaned_data[f"guaranteed_{member.body_id}"]}
