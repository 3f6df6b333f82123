"""The secretariat's page of who has access to a consortium: invite, deactivate."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.models import Role, RoleAssignment, User
from apps.accounts.services import login_lock_lift, login_locked_usernames, user_deactivate, user_invite
from apps.core.formatting import names_joined
from apps.core.forms import IdChoiceField, SingleLineField
from apps.core.widgets import FastSelect
from apps.members.models import Consortium, MemberBody, Participation, ParticipationStatus, consortia_of
from apps.members.views import consortium_for


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    display_name = SingleLineField(label=gettext_lazy("Name"), max_length=100)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    body = IdChoiceField(label=gettext_lazy("Member body (staff and mayors)"), required=False,
                         queryset=MemberBody.objects.none(), widget=FastSelect)

    def __init__(self, *args, consortium: Consortium, **kwargs):
        super().__init__(*args, **kwargs)
        # Not a member that has withdrawn: its account would read the council's business.
        self.fields["body"].queryset = MemberBody.objects.filter(participations__consortium=consortium).exclude(
            participations__consortium=consortium, participations__status=ParticipationStatus.WITHDRAWN)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if hasattr(field, "choices") else "form-control"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") in (Role.STAFF, Role.MAYOR) and not cleaned.get("body"):
            raise ValidationError(_("Member staff and mayors must be bound to a member body."))
        return cleaned


def access_rows(consortium: Consortium):
    return (RoleAssignment.objects
            .filter(Q(consortium=consortium) | Q(body__participations__consortium=consortium))
            .select_related("user", "body", "consortium").order_by("role", "body__code", "user__username"))


def people(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    form = InviteForm(request.POST or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        in_consortium = data["role"] in (Role.SECRETARIAT, Role.OBSERVER)
        try:
            invitation = user_invite(
                email=data["email"], display_name=data["display_name"], role=data["role"],
                consortium=consortium if in_consortium else None, body=None if in_consortium else data["body"],
                set_password_url=lambda uid, token: request.build_absolute_uri(
                    reverse("password_reset_confirm", args=[uid, token])),
                councils_elsewhere=lambda user: other_councils(user, consortium),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if invitation.error:
                # The account and role are saved; inviting again once the server works sends a new link.
                messages.error(request, _("%(email)s has the account, but the invitation was not sent: the mail "
                                          "server said “%(error)s”. Invite them again once it works.")
                               % {"email": data["email"], "error": invitation.error})
            elif invitation.replaces_earlier:
                messages.success(request, _("Invitation sent again to %(email)s: the link in the earlier invitation "
                                            "no longer works, only this one's.") % {"email": data["email"]})
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
            return redirect("people", slug=slug)
    # A member body's account serves every council the body is in: deactivating it is
    # theirs to decide too, so the page names them instead of offering a button that refuses.
    rows = list(access_rows(consortium).prefetch_related(Prefetch(
        "body__participations", to_attr="elsewhere", queryset=Participation.objects.exclude(consortium=consortium)
        .exclude(status=ParticipationStatus.WITHDRAWN).select_related("consortium").order_by("consortium__name"))))
    locked = login_locked_usernames(row.user.username for row in rows)
    for row in rows:
        row.shared_with = names_joined(p.consortium.name for p in row.body.elsewhere) if row.body else ""
        row.locked = row.user.username in locked
    return render(request, "members/people.html", {"consortium": consortium, "form": form, "rows": rows})


@require_POST
def person_deactivate(request, slug, user_id):
    consortium = consortium_for(request, slug, manage=True)
    # The account, not one of its rows: an account both secretariat and observer here has two.
    user = get_object_or_404(User.objects.filter(pk__in=access_rows(consortium).values("user_id")),
                             pk=user_id, is_superuser=False)
    if user == request.user:
        raise PermissionDenied
    elsewhere = other_councils(user, consortium)
    if not elsewhere:
        user_deactivate(user=user)
        messages.success(request, _("%(user)s can no longer log in.") % {"user": user})
    elif (here := RoleAssignment.objects.filter(user=user, consortium=consortium)).exists():
        # A council's own roles (secretariat, observer) are this council's to take away;
        # the account itself serves other councils too, which are not.
        for role in here:
            role.delete()  # one by one, for the audit trail
        messages.success(request, _("%(user)s no longer has access to this council; the account stays for "
                                    "%(councils)s.") % {"user": user, "councils": names_joined(elsewhere)})
    else:
        messages.error(request, _("%(user)s is a member body's account that %(councils)s also rely on: ask their "
                                  "secretariat or the administrator.") % {"user": user,
                                                                          "councils": names_joined(elsewhere)})
    return redirect("people", slug=slug)


@require_POST
def person_unlock(request, slug, user_id):
    """Lift a login lockout: the locked-out page tells users to ask the secretariat. Also an
    account other councils share: unlocking takes nothing from them."""
    consortium = consortium_for(request, slug, manage=True)
    user = get_object_or_404(User.objects.filter(pk__in=access_rows(consortium).values("user_id")), pk=user_id)
    if login_lock_lift(user=user):
        messages.success(request, _("%(user)s can log in again.") % {"user": user})
    else:
        messages.info(request, _("%(user)s was not locked out.") % {"user": user})
    return redirect("people", slug=slug)


def other_councils(user, consortium: Consortium) -> list[str]:
    """The councils other than ``consortium`` that the account gives access to (a body in
    two councils, a secretariat of two): deactivating it would lock them out too, which
    only their own secretariat or the administrator may decide."""
    ids = set()
    for role in user.roles.all():
        if role.consortium_id:
            ids.add(role.consortium_id)
        elif role.body_id:
            ids.update(consortia_of(role.body_id).values_list("consortium_id", flat=True))
    ids.discard(consortium.pk)
    return list(Consortium.objects.filter(pk__in=ids).order_by("name").values_list("name", flat=True))
