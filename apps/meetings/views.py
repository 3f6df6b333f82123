from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.access import access_for
from apps.core.formatting import names_joined
from apps.core.forms import add_service_errors
from apps.core.pagination import query_without_page
from apps.core.refusals import show_refusal
from apps.meetings import selectors, services
from apps.meetings.forms import (ActionItemForm, AgendaItemChangeForm, AgendaItemForm, AttendanceForm, DecisionForm,
                                 MeetingForm)
from apps.meetings.feed_tokens import feed_addresses_reissue, feed_token, feed_user
from apps.meetings.ical import meetings_calendar
from apps.meetings.models import ActionItem, AgendaItem, Attendance, Decision, Meeting, Position
from apps.members.models import Consortium
from apps.members.views import consortium_for


def _meeting_for(request, pk, *, manage: bool = False, whole: bool = False) -> Meeting:
    """A meeting of the user's consortia (else 404); changing it is the secretariat's (else
    403). ``whole``: with everything the meeting page shows — a council of 1,741 members'
    attendance and positions, which the forms that add to a meeting do not need."""
    meetings = (selectors.meeting_detail(user=request.user) if whole
                else Meeting.objects.for_user(request.user).select_related("consortium"))
    meeting = get_object_or_404(meetings, pk=pk)
    if manage and not access_for(request.user).manages(meeting.consortium_id):
        raise PermissionDenied
    return meeting


def _part_for(request, model, pk):
    """An agenda item, decision or action item of a meeting the user may read (else 404),
    which only the meeting's secretariat may change (else 403)."""
    visible = Meeting.objects.for_user(request.user).values("pk")
    part = get_object_or_404(model.objects.select_related("meeting__consortium").filter(meeting__in=visible), pk=pk)
    if not access_for(request.user).manages(part.meeting.consortium_id):
        raise PermissionDenied
    return part


# The one-button changes to a meeting's record (POST): the part changed, the service,
# and what to say once it is done.
ONE_BUTTON_CHANGES = {
    "agenda_delete": (AgendaItem, lambda item: services.agenda_item_delete(item=item),
                      gettext_lazy("Agenda item removed; the items after it moved up.")),
    "agenda_move_up": (AgendaItem, lambda item: services.agenda_item_move_up(item=item),
                       gettext_lazy("Agenda item moved up.")),
    "decision_delete": (Decision, lambda decision: services.decision_delete(decision=decision),
                        gettext_lazy("Decision removed.")),
    "action_delete": (ActionItem, lambda action: services.action_delete(action=action),
                      gettext_lazy("Action item removed.")),
}


@require_POST
def meeting_part_change(request, pk, change):
    """A refusal (the minutes are approved) becomes a message on the meeting's page."""
    model, service, done = ONE_BUTTON_CHANGES[change]
    part = _part_for(request, model, pk)
    try:
        service(part)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, done)
    return redirect("meeting_detail", pk=part.meeting_id)


@require_POST
def meetings_feed_reissue(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    feed_addresses_reissue(user=request.user)
    messages.success(request, _("Your calendar address is new: the old one no longer works, here or in your "
                                "other councils. Subscribe again with the address below."))
    return redirect(reverse("meeting_list", args=[consortium.slug]) + "?address=new#calendar-address")


def meeting_list(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    feed = reverse("meetings_feed", args=[slug, feed_token(user=request.user, consortium=consortium)])
    return render(request, "meetings/meeting_list.html", {
        "consortium": consortium, "tab": "meetings", "feed_url": request.build_absolute_uri(feed),
        "meetings": selectors.meetings_for(user=request.user, consortium=consortium),
        "may_manage": access_for(request.user).manages(consortium.pk),
    })


def action_list(request, slug):
    """The council's open action items, overdue first: what to chase, or for a town what it owes."""
    consortium = consortium_for(request, slug, oversee=False)
    return render(request, "meetings/action_list.html", {
        "consortium": consortium, "tab": "meetings",
        "actions": selectors.council_open_actions(user=request.user, consortium=consortium),
        "own_only": access_for(request.user).is_member_user,
    })


def meeting_create(request, slug):
    consortium = consortium_for(request, slug, manage=True)
    form = MeetingForm(request.POST or None, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_save(consortium=consortium, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "meetings/form.html", {"consortium": consortium, "form": form,
                                                  "heading": _("New meeting")})


ATTENDANCE_PER_PAGE = 50


def meeting_detail(request, pk):
    meeting = _meeting_for(request, pk, whole=True)
    may_manage = access_for(request.user).manages(meeting.consortium_id)
    # A national council's 1,741 rows of attendance made most of a 213 KB page: 50 a page,
    # the count of each kind of attendance above them of every member.
    attendance = list(meeting.attendance.all())
    counted = Counter(record.status for record in attendance)
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "consortium": meeting.consortium, "may_manage": may_manage,
        "may_change": may_manage and meeting.record_is_open,
        "attendance": Paginator(attendance, ATTENDANCE_PER_PAGE).get_page(request.GET.get("page")),
        "attendance_counts": [(label, counted[status]) for status, label in Attendance.Status.choices
                              if counted[status]],
        "query": query_without_page(request.GET),
    })


def _meeting_form_page(request, meeting: Meeting, form, *, save, template="meetings/form.html", **context):
    """Bind, save through ``save(form)`` (a service call), back to the meeting; a refusal
    from the service is shown on the form, nothing written."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, template, {"consortium": meeting.consortium, "meeting": meeting, "form": form, **context})


def meeting_edit(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    return _meeting_form_page(
        request, meeting, MeetingForm(request.POST or None, instance=meeting, consortium=meeting.consortium),
        heading=meeting.title,
        save=lambda form: services.meeting_save(consortium=meeting.consortium, meeting=meeting, **form.cleaned_data))


def agenda_add(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    return _meeting_form_page(
        request, meeting, AgendaItemForm(request.POST or None, request.FILES or None),
        heading=_("Add an agenda item"), multipart=True,
        save=lambda form: services.agenda_item_add(meeting=meeting, **form.cleaned_data))


def agenda_edit(request, pk):
    item = _part_for(request, AgendaItem, pk)
    return _meeting_form_page(
        request, item.meeting, AgendaItemChangeForm(request.POST or None, request.FILES or None, item=item),
        heading=_("Agenda item %(number)d") % {"number": item.number}, multipart=True,
        save=lambda form: services.agenda_item_change(item=item, **form.cleaned_data))


def agenda_document(request, pk):
    visible = Meeting.objects.for_user(request.user).values("pk")
    item = get_object_or_404(AgendaItem.objects.filter(meeting__in=visible), pk=pk)
    if not item.document:
        raise Http404
    return FileResponse(item.document.open("rb"), as_attachment=True, filename=item.document_name)


def attendance_edit(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    form = AttendanceForm(request.POST or None, members=selectors.meeting_members(meeting=meeting),
                          current={record.body_id: record for record in meeting.attendance.all()})
    return _meeting_form_page(
        request, meeting, form, template="meetings/per_member_form.html", heading=_("Attendance"),
        columns=[_("Attendance"), _("Attendees")],
        save=lambda form: services.attendance_record(meeting=meeting, rows=form.attendance_rows()))


def _decision_page(request, meeting: Meeting, form: DecisionForm, *, heading: str, record):
    """A decision's form, new or corrected, saved through ``record(text=, outcome=,
    positions=)``. «Agreed» over a member's objection is saved, but questioned: a
    voluntary council decides by consensus, so it is more often a slip of the menu."""

    def save(form):
        record(text=form.cleaned_data["text"], outcome=form.cleaned_data["outcome"], positions=form.positions())
        objecting = [body.name for body in form.members if form.positions()[body.pk] == Position.Stance.OBJECT]
        if form.cleaned_data["outcome"] == Decision.Outcome.AGREED and objecting:
            messages.warning(request, _("Recorded as agreed although %(members)s objected: correct the outcome or "
                                        "the positions if that is not what was decided.")
                             % {"members": names_joined(objecting)})

    return _meeting_form_page(request, meeting, form, template="meetings/per_member_form.html", heading=heading,
                              columns=[_("Position")], leading_fields=["text", "outcome"], save=save)


def decision_add(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    form = DecisionForm(request.POST or None, members=selectors.meeting_members(meeting=meeting))
    return _decision_page(request, meeting, form, heading=_("Record a decision"),
                          record=lambda **fields: services.decision_record(meeting=meeting, **fields))


def decision_edit(request, pk):
    decision = _part_for(request, Decision, pk)
    meeting = decision.meeting
    form = DecisionForm(request.POST or None, members=selectors.meeting_members(meeting=meeting),
                        current=dict(decision.positions.values_list("body_id", "stance")),
                        initial={"text": decision.text, "outcome": decision.outcome})
    return _decision_page(request, meeting, form, heading=_("Correct a decision"),
                          record=lambda **fields: services.decision_change(decision=decision, **fields))


def action_add(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    return _meeting_form_page(
        request, meeting, ActionItemForm(request.POST or None, members=selectors.meeting_members(meeting=meeting)),
        heading=_("Add an action item"),
        save=lambda form: services.action_add(meeting=meeting, **form.cleaned_data))


def action_edit(request, pk):
    action = _part_for(request, ActionItem, pk)
    meeting = action.meeting
    form = ActionItemForm(request.POST or None, instance=action, members=selectors.meeting_members(meeting=meeting))
    return _meeting_form_page(
        request, meeting, form, heading=_("Correct an action item"),
        save=lambda form: services.action_change(action=action, **form.cleaned_data))


@require_POST
def action_done(request, pk):
    action = _part_for(request, ActionItem, pk)
    services.action_complete(action=action)
    return redirect("meeting_detail", pk=action.meeting_id)


@require_POST
def action_reopen(request, pk):
    action = _part_for(request, ActionItem, pk)
    services.action_reopen(action=action)
    return redirect("meeting_detail", pk=action.meeting_id)


@require_POST
def meeting_notify(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    notice = services.meeting_notify(meeting=meeting,
                                     meeting_url=request.build_absolute_uri(reverse("meeting_detail", args=[pk])))
    if notice.error:
        messages.error(request, _("The notice was not sent: %(error)s") % {"error": notice.error})
    else:
        messages.success(request, _("Notice sent to %(count)d addresses.") % {"count": notice.sent})
    return redirect("meeting_detail", pk=pk)


def _page_address(request, meeting: Meeting) -> str:
    """The meeting's page as the members reach it, for the e-mails about it."""
    return request.build_absolute_uri(reverse("meeting_detail", args=[meeting.pk]))


def _tell_how_the_mail_went(request, mailed: services.Notice) -> None:
    if mailed.error:
        messages.error(request, _("The cancellation was not e-mailed: %(error)s") % {"error": mailed.error})
    elif mailed.sent:
        messages.success(request, _("Cancellation e-mailed to %(count)d addresses.") % {"count": mailed.sent})


@require_POST
def meeting_cancel(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    try:
        mailed = services.meeting_cancel(meeting=meeting, meeting_url=_page_address(request, meeting),
                                         tell_members=bool(request.POST.get("notify")))
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The meeting is cancelled: it stays on the list, marked cancelled, and drops out "
                                    "of the calendars."))
        _tell_how_the_mail_went(request, mailed)
    return redirect("meeting_detail", pk=pk)


@require_POST
def meeting_restore(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    try:
        mailed = services.meeting_restore(meeting=meeting, meeting_url=_page_address(request, meeting))
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("meeting_detail", pk=pk)
    if mailed is None:
        messages.info(request, _("This meeting is not cancelled: nothing was changed."))
        return redirect("meeting_detail", pk=pk)
    messages.success(request, _("The cancellation is undone: the meeting is planned again and back in the "
                                "calendars."))
    if mailed.error:
        messages.error(request, _("Those who had the cancellation were not e-mailed that the meeting is on: "
                                  "%(error)s Send them the notice again.") % {"error": mailed.error})
    elif mailed.sent:
        messages.success(request, _("E-mailed to %(count)d addresses that the meeting is on after all.")
                         % {"count": mailed.sent})
    return redirect("meeting_detail", pk=pk)


@require_POST
def meeting_cancellation_notify(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    _tell_how_the_mail_went(request, services.meeting_cancellation_notify(meeting=meeting,
                                                                          meeting_url=_page_address(request, meeting)))
    return redirect("meeting_detail", pk=pk)


@require_POST
def meeting_delete(request, pk):
    meeting = _meeting_for(request, pk, manage=True)
    try:
        services.meeting_delete(meeting=meeting)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("meeting_detail", pk=pk)
    messages.success(request, _("“%(title)s” deleted, with its materials.") % {"title": meeting.title})
    return redirect("meeting_list", slug=meeting.consortium.slug)


def meetings_ics(request, slug):
    consortium = consortium_for(request, slug, oversee=False)
    return _calendar_response(request, consortium, request.user)


@login_not_required
def meetings_feed(request, slug, token):
    """The private calendar address: no session, the signed token says whose view it is."""
    consortium = get_object_or_404(Consortium, slug=slug)
    user = feed_user(token=token, consortium=consortium)
    if user is None or not Consortium.objects.for_user(user).filter(pk=consortium.pk).exists():
        raise Http404
    return _calendar_response(request, consortium, user)


def _calendar_response(request, consortium: Consortium, user) -> HttpResponse:
    content = meetings_calendar(
        name=consortium.name, meetings=selectors.meetings_for(user=user, consortium=consortium),
        url_for=lambda meeting: request.build_absolute_uri(reverse("meeting_detail", args=[meeting.pk])),
        domain=request.get_host().split(":")[0])
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{consortium.slug}-meetings.ics"'
    return response
