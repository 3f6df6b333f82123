"""A log entry's changes in the words a secretariat reads: fields by their names, choices
by their labels, related records by their names, no bookkeeping fields, and no «None».

django-auditlog stores each change as strings keyed by field name (``"fiscal_year":
["None", "2026"]``, ``"business_system": ["None", "20"]``); its own display lookup reads
related records one by one, so a page of fifty entries would run hundreds of queries.
Here a page's related records are read with one query per related model.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.formatting import names_joined

# Kept by every model and shown by the entry itself (its time), or meaningless to a reader.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at"})
SHOWN = 6  # changes per entry; the rest are counted
LONGEST = 80


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the record was created
    after: str | None   # None: the record was deleted


@dataclass(frozen=True)
class Described:
    changes: list[Change]
    more: int  # changes left out beyond SHOWN

    def __str__(self) -> str:
        parts = []
        for change in self.changes:
            if change.before is None:
                parts.append(f"{change.field}: {change.after}")
            elif change.after is None:
                parts.append(f"{change.field}: {change.before}")
            else:
                parts.append(f"{change.field}: {change.before} → {change.after}")
        if self.more:
            parts.append(_("%(count)d more") % {"count": self.more})
        return "; ".join(parts)


def describe(entries: list[LogEntry]) -> dict[int, Described]:
    """Per entry id, its changes described (see the module)."""
    fields_of = {}
    wanted: dict[type, set] = defaultdict(set)  # related model → primary keys to name
    for entry in entries:
        fields_of[entry.pk] = _fields(entry)
        for field, values in fields_of[entry.pk]:
            if field is not None and field.is_relation:
                wanted[field.related_model].update(value for value in values if value is not None)
    names = {model: _names(model, keys) for model, keys in wanted.items()}
    described = {}
    for entry in entries:
        changes = []
        for field, (before, after) in fields_of[entry.pk]:
            label = _label(field)
            shown = [_shown(field, value, names) for value in (before, after)]
            if entry.action == LogEntry.Action.CREATE:
                shown[0] = None
            elif entry.action == LogEntry.Action.DELETE:
                shown[1] = None
            if shown[0] == shown[1] or "—" in shown and None in shown:
                continue  # unchanged, or a blank field of a record created or deleted
            changes.append(Change(field=label or "?", before=shown[0], after=shown[1]))
        changes += _many_to_many(entry)
        described[entry.pk] = Described(changes=changes[:SHOWN], more=max(len(changes) - SHOWN, 0))
    return described


# auditlog records a many-to-many change («invited vendors», «members sharing») as
# {"type": "m2m", "operation": "add" | "delete" | "clear", "objects": [names]}.
M2M_OPERATIONS = {"add": gettext_lazy("added %(names)s"), "delete": gettext_lazy("removed %(names)s"),
                  "clear": gettext_lazy("all removed")}


def _many_to_many(entry: LogEntry) -> list[Change]:
    model = entry.content_type.model_class()
    changes = []
    for name, value in (entry.changes_dict or {}).items():
        if not (isinstance(value, dict) and value.get("type") == "m2m"):
            continue
        try:
            label = _label(model._meta.get_field(name)) if model else name
        except FieldDoesNotExist:
            label = name
        template = M2M_OPERATIONS.get(value.get("operation"), "%(names)s")
        changes.append(Change(field=label, before=None,
                              after=template % {"names": names_joined(value.get("objects", []))}))
    return changes


def _label(field) -> str | None:
    if field is None:
        return None
    if field.is_relation and field.verbose_name == field.name.replace("_", " "):
        return str(field.related_model._meta.verbose_name)  # «body» names no one: «構成団体» does
    return str(field.verbose_name)


def _fields(entry: LogEntry) -> list[tuple]:
    """The entry's changed model fields with their raw values ("None" read as None);
    bookkeeping and many-to-many fields left out."""
    model = entry.content_type.model_class()
    fields = []
    for name, values in (entry.changes_dict or {}).items():
        if name in BOOKKEEPING or not isinstance(values, list | tuple) or len(values) != 2:
            continue
        try:
            field = model._meta.get_field(name) if model else None
        except FieldDoesNotExist:
            field = None
        if field is not None and (field.many_to_many or field.one_to_many or not field.concrete):
            continue  # recorded as the manager's name («app.Model.None»), which says nothing
        raw = [None if value in (None, "None") else value for value in values]
        if field is not None and field.is_relation:
            raw = [_key(field, value) for value in raw]
        fields.append((field, raw))
    return fields


def _key(field, value):
    try:
        return field.related_model._meta.pk.to_python(value) if value is not None else None
    except Exception:  # noqa: BLE001 — a legacy value that is not a key is shown as it is
        return value


def _names(model, keys) -> dict:
    objects = model._default_manager.select_related().in_bulk(list(keys))
    return {key: str(obj) for key, obj in objects.items()}


def _shown(field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return _short(str(value))
    if field.is_relation:
        return names.get(field.related_model, {}).get(value, f"#{value}")
    if field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return _("yes") if value == "True" else _("no") if value == "False" else str(value)
    if kind == "DateTimeField":
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return _short(value)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)  # auditlog writes UTC without its offset
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    if kind in INTEGERS and not field.name.endswith("year") and str(value).lstrip("-").isdigit():
        return f"{int(value):,}"  # yen and populations; a fiscal year never takes a separator
    return _short(str(value))


INTEGERS = frozenset({"IntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
                      "PositiveSmallIntegerField", "SmallIntegerField"})


def _short(text: str) -> str:
    return text if len(text) <= LONGEST else text[:LONGEST] + "…"
