"""A service's refusal of a POST action (a ValidationError), said to the user at the top
of the page the action returns to: one wording for every app's buttons."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError


def show_refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def attempted(request, action: Callable[[], object]) -> bool:
    """Run the action's service: True when it was done, False when it was refused (and the
    refusal is shown)."""
    try:
        action()
    except ValidationError as error:
        show_refusal(request, error)
        return False
    return True
