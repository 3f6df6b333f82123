"""E-mails to a council's members, towns and mayors.

They are Japanese letters, written in Japanese templates: rendered in Japanese whatever
language the sender's screen is in, so that a meeting's kind, a status or a date never
comes out in English in the middle of one (the sender may read the site in English).
"""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import override


def japanese_message(template: str, context: dict, *, html: bool = False, **message) -> EmailMultiAlternatives:
    """``emails/<template>_subject.txt`` and ``emails/<template>.txt`` (with ``.html`` as the
    alternative part if ``html``) as one message; ``message`` is passed on (to, bcc, …)."""
    with override("ja"):
        # One line whatever the context holds: a meeting's title with a line break (typed
        # before titles were refused one) failed the whole notice with BadHeaderError.
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).strip().splitlines())
        email = EmailMultiAlternatives(subject, render_to_string(f"emails/{template}.txt", context), **message)
        if html:
            email.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    return email
