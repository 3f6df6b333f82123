"""Validators shared by the models' fields and the forms' fields."""

import re

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls (line feed, carriage return, tab, form feed and the rest) and Unicode's
# own line and paragraph separators.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class SingleLine:
    """Refuses a text of more than one line, or with any control character, naming the
    field: a title or a name goes into mail subjects (one line, or the message is not
    sent), a PDF's running head (a CSS string, which a form feed ends) and spreadsheets.
    ``name``: the field's name, or a function that gives it once the field has one."""

    message = _("%(field)s must be one line, without line breaks, tabs or other control characters.")
    code = "control_characters"

    def __init__(self, name):
        self.name = name

    def __call__(self, value) -> None:
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            name = self.name() if callable(self.name) else self.name
            raise ValidationError(self.message, code=self.code, params={"field": capfirst(name or _("This field"))})
