from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.access import access_for, require_manager
from apps.core.pagination import KnownCountPaginator
from apps.core.refusals import attempted, show_refusal
from apps.agreements import selectors, services
from apps.agreements.forms import AgreementForm, ArticleForm, ContractForm, SignatureForm, SlaItemFormSet
from apps.agreements.models import Agreement, Article, Contract, Signature
from apps.members.models import Consortium
from apps.members.views import consortium_for


def _agreement_for(request, pk, *, manage: bool = False) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.for_user(request.user).select_related("consortium"), pk=pk)
    if manage:
        require_manager(request.user, agreement.consortium_id)
    return agreement


def _require_draft(agreement: Agreement) -> None:
    if not agreement.is_draft:
        raise PermissionDenied(_("Articles can change only while the agreement is a draft."))


def _article_for(request, pk) -> Article:
    visible = Agreement.objects.for_user(request.user)
    article = get_object_or_404(Article.objects.filter(agreement__in=visible).select_related("agreement__consortium"),
                                pk=pk)
    require_manager(request.user, article.agreement.consortium_id)
    _require_draft(article.agreement)
    return article


def _contract_for(request, pk, *, manage: bool = False) -> Contract:
    contract = get_object_or_404(Contract.objects.for_user(request.user).select_related("consortium", "body"), pk=pk)
    if manage:
        require_manager(request.user, contract.consortium_id)
    return contract


def _saved(form, save) -> bool:
    """Call the service once the form is valid; a refusal becomes the form's errors."""
    if not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True




def _form_page(request, form, *, heading: str, back: Agreement | None = None, consortium=None):
    """The one page for the small forms: a heading, the form, a link back."""
    if back is not None:
        link, label = reverse("agreement_detail", args=[back.pk]), str(back)
    else:
        link, label = reverse("agreement_list", args=[consortium.slug]), consortium.name
    return render(request, "agreements/form.html", {"form": form, "heading": heading, "back": link,
                                                    "back_label": label})


def _page(request, template: str, consortium, **context):
    """A page of the consortium; the template is told whether the user manages it."""
    return render(request, f"agreements/{template}", {
        "consortium": consortium, "may_manage": access_for(request.user).manages(consortium.pk), **context})


def agreement_list(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    return _page(request, "agreement_list.html", consortium,
                 agreements=selectors.agreements_for(user=request.user, consortium=consortium),
                 open_together=selectors.versions_open_together(user=request.user, consortium_id=consortium.pk))


def agreement_create(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(consortium=consortium, title=form.cleaned_data["title"],
                                                  standard_articles=form.cleaned_data["standard_articles"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("agreement_detail", pk=agreement.pk)
    return _form_page(request, form, heading=_("New agreement"), consortium=consortium)


SIGNATURES_PER_PAGE = 50


def agreement_detail(request, pk):
    agreement = _agreement_for(request, pk)
    signatures = selectors.agreement_signatures(user=request.user, agreement=agreement)
    # A national council's 1,741 signatures made the page 306 KB: 50 a page, counted (signed
    # of all) in the query that tells the pager how many there are.
    counts = selectors.signature_counts(signatures)
    page = KnownCountPaginator(signatures, SIGNATURES_PER_PAGE, count=counts["total"]).get_page(
        request.GET.get("page"))
    return _page(request, "agreement_detail.html", agreement.consortium, agreement=agreement,
                 articles=agreement.articles.all(), signatures=page.object_list, page=page,
                 signature_counts=counts,
                 successor=Agreement.objects.for_user(request.user).filter(supersedes=agreement).first(),
                 may_amend=selectors.may_amend(agreement=agreement),
                 open_together=selectors.versions_open_together(user=request.user,
                                                                consortium_id=agreement.consortium_id))


def _article_form(request, article: Article):
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and _saved(form, lambda: services.article_save(article=form.instance)):
        return redirect("agreement_detail", pk=article.agreement_id)
    heading = _("Article %(number)s") % {"number": article.number} if article.pk else _("New article")
    return _form_page(request, form, heading=heading, back=article.agreement)


def article_create(request, pk):
    agreement = _agreement_for(request, pk, manage=True)
    _require_draft(agreement)
    next_number = max(agreement.articles.values_list("number", flat=True), default=0) + 1
    return _article_form(request, Article(agreement=agreement, number=next_number))


def article_edit(request, pk):
    return _article_form(request, _article_for(request, pk))


@require_POST
def article_delete(request, pk):
    article = _article_for(request, pk)
    attempted(request, lambda: services.article_delete(article=article))
    return redirect("agreement_detail", pk=article.agreement_id)


# The POST actions that move an agreement on: the service, and what to tell the
# secretariat once it is done. Each service returns the agreement to show next.
TRANSITIONS = {
    "review": (services.agreement_submit_for_review,
               gettext_lazy("Sent for review: each member's signature is now awaited.")),
    "redraft": (services.agreement_return_to_draft,
                gettext_lazy("Back to draft: the articles can change; the signatures recorded so far are void.")),
    "conclude": (services.agreement_conclude,
                 gettext_lazy("Concluded. This version is now frozen; a change is an amendment.")),
    "amend": (services.agreement_amend,
              gettext_lazy("A new draft version copies the articles; it will supersede this one.")),
    "withdraw": (services.agreement_withdraw,
                 gettext_lazy("The version was withdrawn (the audit trail keeps it). This is the version still "
                              "open.")),
}


@require_POST
def agreement_transition(request, pk, transition):
    agreement = _agreement_for(request, pk, manage=True)
    service, done = TRANSITIONS[transition]
    try:
        agreement = service(agreement=agreement)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, done)
    return redirect("agreement_detail", pk=agreement.pk)


def signature_record(request, pk):
    signature = get_object_or_404(
        Signature.objects.for_user(request.user).select_related("agreement__consortium", "body"), pk=pk)
    require_manager(request.user, signature.agreement.consortium_id)
    if not signature.agreement.is_under_review:
        raise PermissionDenied(_("Signatures are recorded only while the agreement is under review."))
    form = SignatureForm(request.POST or None, initial={
        "signed_on": signature.signed_on, "signed_by_name": signature.signed_by_name or signature.body.mayor_name})
    if request.method == "POST" and _saved(form, lambda: services.signature_record(signature=signature,
                                                                                  **form.cleaned_data)):
        return redirect("agreement_detail", pk=signature.agreement_id)
    return _form_page(request, form, heading=_("Signature of %(body)s") % {"body": signature.body.name},
                      back=signature.agreement)


def contract_list(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    contracts = selectors.contracts_for(user=request.user, consortium=consortium)
    return _page(request, "contract_list.html", consortium, contracts=contracts,
                 due=contracts.due_for_renewal(timezone.localdate()))


def contract_detail(request, pk):
    contract = _contract_for(request, pk)
    # A withdrawn town still reads its own contract, but no longer the council's list of them.
    council_open = Consortium.objects.for_user(request.user).filter(pk=contract.consortium_id).exists()
    return _page(request, "contract_detail.html", contract.consortium, contract=contract,
                 sla_items=contract.sla_items.all(), council_open=council_open)


def _contract_form(request, contract: Contract):
    form = ContractForm(request.POST or None, instance=contract, consortium=contract.consortium)
    formset = SlaItemFormSet(request.POST or None, instance=contract, prefix="sla")
    if request.method == "POST" and formset.is_valid() and _saved(
            form, lambda: services.contract_save(contract=form.instance, sla_formset=formset)):
        return redirect("contract_detail", pk=contract.pk)
    return _page(request, "contract_form.html", contract.consortium, contract=contract, form=form, formset=formset)


def contract_create(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    return _contract_form(request, Contract(consortium=consortium))


def contract_edit(request, pk):
    return _contract_form(request, _contract_for(request, pk, manage=True))
