"""The audit trail names its records in Japanese, the product's language, whoever made
the change.

django-auditlog stores ``str(instance)`` as the change is saved, in the language of the
request: a change made from an English page named its record «三芳町 — 協定書 (version 2)»
for good on the secretariat's Japanese trail. Once an entry is written, this renders
the name again in Japanese and stores it if it differs (never for a Japanese request).
Many-to-many entries (who shares a pool, invited vendors) send no signal; their names
are not translated.
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
            return  # auditlog's own placeholder stands
    if name != log_entry.object_repr:
        type(log_entry).objects.filter(pk=log_entry.pk).update(object_repr=name)
        log_entry.object_repr = name
