from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from apps.agreements.models import FIRST_ARTICLE, LAST_ARTICLE, Agreement, Article, Contract, Customisation, SlaItem
from apps.core.forms import SensibleDates, SingleLineField, bound_integer, id_formfield
from apps.core.widgets import FastSelect
from apps.members.models import MemberBody, Participation, ParticipationStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AgreementForm(forms.ModelForm):
    standard_articles = forms.BooleanField(
        label=_("Start from the standard articles (purpose, members, no customisation, costs, joining and "
                "withdrawal, term)"), required=False, initial=True)

    class Meta:
        model = Agreement
        fields = ["title"]


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["number", "heading", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_integer(self.fields["number"], FIRST_ARTICLE, LAST_ARTICLE)


class SignatureForm(SensibleDates, forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    signed_by_name = SingleLineField(label=_("Signed by"), max_length=100, required=False,
                                     help_text=_("The mayor's name as written on the agreement."))


class ContractForm(SensibleDates, forms.ModelForm):
    class Meta:
        model = Contract
        formfield_callback = id_formfield
        fields = ["body", "vendor", "title", "service_type", "starts_on", "ends_on", "annual_amount", "total_amount",
                  "notice_days"]
        widgets = {"body": FastSelect, "starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_members(self, consortium)
        self.fields["body"].empty_label = _("All members (bulk contract)")


def limit_to_members(form: forms.ModelForm, consortium) -> None:
    """The body field offers the members that have not withdrawn, and whichever body the
    record already names."""
    members = Participation.objects.filter(consortium=consortium).exclude(status=ParticipationStatus.WITHDRAWN)
    form.fields["body"].queryset = MemberBody.objects.filter(
        Q(pk__in=members.values("body_id")) | Q(pk=form.instance.body_id)).order_by("code")


SlaItemFormSet = inlineformset_factory(
    Contract, SlaItem, fields=["kind", "target", "note"], extra=2, can_delete=True,
    widgets={"note": forms.TextInput()}, max_num=100, absolute_max=100, validate_max=True,  # a tampered count is refused
)


class CustomisationForm(SensibleDates, forms.ModelForm):
    class Meta:
        model = Customisation
        formfield_callback = id_formfield
        fields = ["title", "description", "scope", "body", "business_system", "cost", "payer", "requested_on"]
        widgets = {"body": FastSelect, "requested_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_members(self, consortium)


class CustomisationDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=lambda value: value == "yes",
                                     choices=[("yes", _("Approve")), ("no", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the register with your name and today's date."))
