"""A URL configuration for test_unavailable.py: views that meet a real statement timeout."""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path


def stuck(request: HttpRequest) -> HttpResponse:
    """A statement that runs longer than its statement_timeout (PostgreSQL)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        cursor.execute("SELECT pg_sleep(2)")
    return HttpResponse("never")


def broken(request: HttpRequest) -> HttpResponse:
    """A database error that is a bug, not an outage."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_here")
    return HttpResponse("never")


urlpatterns = [
    path("stuck/", stuck),
    path("api/stuck/", stuck),
    path("broken/", broken),
]

handler500 = "spendwise.ops.unavailable.server_error"
