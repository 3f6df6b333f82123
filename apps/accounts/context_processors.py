from apps.accounts.access import access_for


def user_access(request):
    """What the navigation may offer; the views check access again themselves."""
    return {"user_access": access_for(getattr(request, "user", None))}
