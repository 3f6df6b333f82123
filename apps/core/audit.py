"""The audit trail names its records in Japanese, the product's language, whoever made
the change.

django-auditlog stores ``str(instance)`` as the change is saved, in the language of the
request: a change made from an English page named its record «三芳町 — 協定書 (version 2)»
for good on the secretariat's Japanese trail. Once an entry is written, this renders
the name again in Japanese and stores it if it differs (never for a Japanese request).
An entry a module writes itself (a download, a change made by a queryset update) sends no
signal either: it is written by ``log_entry_create``, which names it in Japanese, never by
``LogEntry.objects.log_create`` (tests/core/test_architecture.py). Many-to-many entries
(who shares a pool, invited vendors) send no signal; their names are not translated.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from django.utils.encoding import smart_str

TRAIL_LANGUAGE = "ja"


def name_in_trail_language(sender, instance, log_entry=None, **kwargs) -> None:
    """auditlog's ``post_log`` receiver (connected in ``CoreConfig.ready``)."""
    if log_entry is None or (translation.get_language() or TRAIL_LANGUAGE).startswith(TRAIL_LANGUAGE):
        return
    with translation.override(TRAIL_LANGUAGE):
        try:
            name = smart_str(instance)
        except ObjectDoesNotExist:
            return  # its name needs a row already deleted: the name auditlog stored stays
    if name != log_entry.object_repr:
        type(log_entry).objects.filter(pk=log_entry.pk).update(object_repr=name)
        log_entry.object_repr = name


def log_entry_create(instance, **fields):
    """``LogEntry.objects.log_create`` for an entry no model signal writes, its record named
    in the trail's language: a mayor's download from an English page was kept as «Mayor
    briefing (首長向け説明資料) — 伊奈町 (2025)»."""
    from auditlog.models import LogEntry

    with translation.override(TRAIL_LANGUAGE):
        return LogEntry.objects.log_create(instance, **fields)


def consortia_tag(consortium_ids) -> dict:
    """The audit entry's ``additional_data`` naming the consortia it belongs to (see AuditScoped)."""
    ids = sorted(set(consortium_ids))
    # "|1|3|" so that a text search for "|1|" finds consortium 1 on every database.
    return {"consortia": "|" + "|".join(str(i) for i in ids) + "|"}


def log_entries_bulk(changes, *, batch_size: int = 1000) -> int:
    """Audit entries for writes made in bulk (which send no model signals), a few INSERTs
    for any number: one ``log_create`` per figure held a national import for 23 minutes.

    ``changes`` yields ``(instance, action, changes, consortium_ids)``. Each entry is what
    ``LogEntry.objects.log_create`` would write (changes as given, ``additional_data`` as
    AuditScoped tags it), named in the trail's language, with the actor, address and port
    of the request's audit context (the pre_save signal the middleware listens on). The
    instances' names must not query: their relations are to be loaded beforehand."""
    from auditlog.cid import get_cid
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.signals import pre_save

    cid, entries = get_cid(), []
    with translation.override(TRAIL_LANGUAGE):
        for instance, action, entry_changes, consortium_ids in changes:
            pk = instance.pk
            try:
                name = smart_str(instance)
            except ObjectDoesNotExist:
                name = "<error forming object repr>"
            entry = LogEntry(
                content_type=ContentType.objects.get_for_model(instance), object_pk=smart_str(pk),
                object_id=pk if isinstance(pk, int) else None, object_repr=name, action=action,
                changes=entry_changes, additional_data=consortia_tag(consortium_ids), cid=cid,
                serialized_data=LogEntry.objects._get_serialized_data_or_none(instance))
            pre_save.send(sender=LogEntry, instance=entry, raw=False, using=LogEntry.objects.db, update_fields=None)
            entries.append(entry)
    LogEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
