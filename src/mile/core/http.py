"""Request types for views behind ``login_required``: ``request.user`` is a real user there."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from mile.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
