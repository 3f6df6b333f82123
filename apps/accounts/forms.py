"""Forms of the accounts app that Django's own do not cover."""

import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache


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
        if cache.add(f"password-reset-sent:{to_email.lower()}", True, timeout=settings.PASSWORD_RESET_EMAIL_INTERVAL):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)


def same_address(first: str, second: str) -> bool:
    return unicodedata.normalize("NFKC", first).casefold() == unicodedata.normalize("NFKC", second).casefold()
