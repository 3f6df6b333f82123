from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse


@login_not_required
def healthz(request):
    """For the container health check: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
