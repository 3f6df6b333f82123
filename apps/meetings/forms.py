from django import forms
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from apps.core.formatting import names_joined
from apps.core.forms import SensibleDates, SingleLineField, id_formfield
from apps.core.widgets import FastSelect, FastTextInput
from apps.meetings.models import ActionItem, Attendance, Decision, Meeting, Position
from apps.meetings.selectors import meeting_clashes
from apps.meetings.services import AttendanceRow

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# The per-member tables write each field out bare (no crispy): Bootstrap's small controls.
ROW_MENU = {"class": "form-select form-select-sm"}
ROW_TEXT = {"class": "form-control form-control-sm"}


class MeetingForm(SensibleDates, forms.ModelForm):
    # Capitalised as a model form does its own labels («Venue»), from the same translation.
    online_url = forms.URLField(label=capfirst(Meeting._meta.get_field("online_url").verbose_name), required=False,
                                assume_scheme="https")
    # Not «cancelled»: a meeting is called off with its own button, which can tell the members.
    status = forms.ChoiceField(label=capfirst(Meeting._meta.get_field("status").verbose_name),
                               initial=Meeting.Status.PLANNED, choices=[
                                   (value, label) for value, label in Meeting.Status.choices
                                   if value != Meeting.Status.CANCELLED])
    # Offered (a tick box) once the time is found to overlap another meeting: a warning,
    # not a refusal — some councils hold two sessions back to back in the same room.
    clash_confirmed = forms.BooleanField(label=_("Save though it overlaps"), required=False,
                                         widget=forms.HiddenInput)

    class Meta:
        model = Meeting
        fields = ["kind", "title", "starts_at", "ends_at", "venue", "online_url", "status", "minutes"]
        widgets = {"starts_at": LOCAL_DATETIME, "ends_at": LOCAL_DATETIME, "minutes": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.consortium = consortium

    def clean(self):
        """Warn, under the tick box that confirms past it, of the council's other meetings
        at the same time (apps.meetings.selectors.time_taken). Only when the time is new or
        moved: correcting the venue of a meeting already confirmed asks nothing again. The
        tick is the form's own: it is not a field of the meeting."""
        cleaned = super().clean()
        confirmed = cleaned.pop("clash_confirmed", False)
        if confirmed or "starts_at" not in cleaned or "ends_at" not in cleaned:
            return cleaned
        starts, ends = cleaned["starts_at"], cleaned["ends_at"]
        # To the minute, as the form shows a time: a stored time with seconds, posted back
        # unchanged, has not moved.
        moved = self.instance.pk is None or any(
            _to_the_minute(new) != _to_the_minute(old)
            for new, old in ((starts, self.instance.starts_at), (ends, self.instance.ends_at)))
        if not moved or (ends is not None and ends <= starts):  # an end before the start: the service says so
            return cleaned
        clashes = meeting_clashes(consortium=self.consortium, starts_at=starts, ends_at=ends, exclude=self.instance)
        if clashes:
            self.fields["clash_confirmed"].widget = forms.CheckboxInput()
            self.add_error("clash_confirmed", _(
                "This time overlaps %(meetings)s. If both are to be held, tick “Save though it overlaps” and save "
                "again.") % {"meetings": names_joined(_meeting_named(other) for other in clashes)})
        return cleaned


def _to_the_minute(moment):
    return moment.replace(second=0, microsecond=0) if moment else moment


def _meeting_named(meeting: Meeting) -> str:
    """«第3回 協議会（2026年12月14日 10:00–12:00）»: which meeting, and when."""
    starts = timezone.localtime(meeting.starts_at)
    when = date_format(starts, "DATETIME_FORMAT")
    if meeting.ends_at:
        ends = timezone.localtime(meeting.ends_at)
        when += "–" + (date_format(ends, "DATETIME_FORMAT") if ends.date() != starts.date()
                       else time_format(ends, "H:i"))
    return _("“%(title)s” (%(when)s)") % {"title": meeting.title, "when": when}


class AgendaItemForm(forms.Form):
    title = SingleLineField(label=_("title"), max_length=200)
    presenter = SingleLineField(label=_("presenter"), max_length=100, required=False)
    document = forms.FileField(label=_("document"), required=False,
                               help_text=_("PDF or office document, up to 20 MB."))


class AgendaItemChangeForm(AgendaItemForm):
    """An agenda item corrected: a new document replaces the attached one, or the
    attached one is removed."""

    remove_document = forms.BooleanField(label=_("remove the attached document"), required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, initial={"title": item.title, "presenter": item.presenter}, **kwargs)
        if item.document:
            self.fields["document"].help_text = _("Attached: %(name)s. A new file replaces it.") % {
                "name": item.document_name}
        else:
            del self.fields["remove_document"]


class PerMemberForm(forms.Form):
    """Fields repeated for each member body, named ``<name>_<body pk>`` for each name in
    ``per_member`` (the subclass adds them). Each is labelled by its column; the page reads
    it out with the member's name («伊奈町 出欠»)."""

    per_member: tuple[str, ...] = ()

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members

    def rows(self):
        """(body, its bound fields) for the template's one-row-per-member table."""
        return [(body, [self[f"{name}_{body.pk}"] for name in self.per_member]) for body in self.members]


class AttendanceForm(PerMemberForm):
    per_member = ("status", "attendees")

    def __init__(self, *args, members, current: dict, **kwargs):
        super().__init__(*args, members=members, **kwargs)
        choices = [("", "—"), *Attendance.Status.choices]
        for body in members:
            record = current.get(body.pk)
            self.fields[f"status_{body.pk}"] = forms.ChoiceField(
                label=_("Attendance"), choices=choices, required=False, initial=record.status if record else "",
                widget=FastSelect(attrs=ROW_MENU))  # one menu per member: hundreds on a large council's page
            self.fields[f"attendees_{body.pk}"] = SingleLineField(
                label=_("Attendees"), max_length=300, required=False, initial=record.attendees if record else "",
                widget=FastTextInput(attrs=ROW_TEXT))

    def attendance_rows(self) -> list[AttendanceRow]:
        return [AttendanceRow(body_id=body.pk, status=self.cleaned_data[f"status_{body.pk}"],
                              attendees=self.cleaned_data[f"attendees_{body.pk}"]) for body in self.members]


class DecisionForm(PerMemberForm):
    per_member = ("stance",)
    text = forms.CharField(label=_("decision"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label=_("outcome"), choices=Decision.Outcome.choices)

    def __init__(self, *args, members, current: dict[int, str] | None = None, **kwargs):
        """``current``: the positions recorded so far, by body, when a decision is corrected."""
        super().__init__(*args, members=members, **kwargs)
        current = current or {}
        for body in members:
            self.fields[f"stance_{body.pk}"] = forms.ChoiceField(
                label=_("Position"), choices=[("", "—"), *Position.Stance.choices], required=False,
                initial=current.get(body.pk, ""), widget=FastSelect(attrs=ROW_MENU))

    def positions(self) -> dict[int, str]:
        return {body.pk: self.cleaned_data[f"stance_{body.pk}"] for body in self.members}


class ActionItemForm(SensibleDates, forms.ModelForm):
    class Meta:
        model = ActionItem
        formfield_callback = id_formfield
        fields = ["text", "owner", "due_on"]
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}), "owner": FastSelect}
        help_texts = {"owner": _("Leave empty for the secretariat's own action.")}

    def __init__(self, *args, members, **kwargs):
        """``members``: the bodies a new owner is chosen from. An action's owner stays on
        offer though it has left since: correcting the text must not hand the action over
        to the secretariat (apps.meetings.services.action_change)."""
        super().__init__(*args, **kwargs)
        offered = [body.pk for body in members]
        if self.instance.owner_id:
            offered.append(self.instance.owner_id)
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(pk__in=offered)
