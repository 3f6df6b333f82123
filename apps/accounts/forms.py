"""Forms of the accounts app that Django's own do not cover."""

import logging
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class ForgotPasswordForm(PasswordResetForm):
    """Django's "forgot your password" form, e-mailing an address one link per
    ``PASSWORD_RESET_EMAIL_INTERVAL`` at most: asked for again and again, by a user who
    clicks twice or by someone who knows the address, it would flood a town officer's
    mailbox. The page says the same whether or not a link went out, as Django's does.

    Unlike Django's, it also sends one to an invited user who has not chosen a password
    yet (an unusable one, apps.accounts.services.user_invite): their invitation went to the
    same address, and may have expired unused."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        # Checked again in Python, as Django's form does: a database's case-insensitive
        # match may take two different addresses for one.
        return (user for user in users if same_address(email, user.email))

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # Django's own send_mail logs a failed send and returns as if it went: the quarter
        # hour would then hold back the retry of a link that never left. So the message is
        # built and sent here, the interval claimed before sending (two clicks at once send
        # one link) and given back when the mail server refuses.
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message = EmailMultiAlternatives(subject, render_to_string(email_template_name, context), from_email,
                                         [to_email])
        if html_email_template_name is not None:
            message.attach_alternative(render_to_string(html_email_template_name, context), "text/html")
        sent_key = f"password-reset-sent:{to_email.lower()}"
        if not cache.add(sent_key, True, timeout=settings.PASSWORD_RESET_EMAIL_INTERVAL):
            return
        try:
            message.send()
        except Exception:
            cache.delete(sent_key)
            # The page still says the same (it never tells whether the address has an account).
            logger.exception("Failed to send a password reset e-mail to user %s", context["user"].pk)

def same_address(first: str, second: str) -> bool:
    return unicodedata.normalize("NFKC", first).casefold() == unicodedata.normalize("NFKC", second).casefold()
