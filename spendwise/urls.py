from django.urls import include, path

from spendwise.api.main import api
from spendwise.web import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("", include("spendwise.api.urls")),
    path("", include("spendwise.identity.urls")),
    path("", include("spendwise.ledger.urls")),
    path("", include("spendwise.reports.urls")),
    path("", include("spendwise.recurring.urls")),
    path("", include("spendwise.budgets.urls")),
    path("", include("spendwise.notifications.urls")),
    path("", include("spendwise.currency.urls")),
    path("", include("spendwise.rules.urls")),
    path("", include("spendwise.imports.urls")),
    path("", include("spendwise.attachments.urls")),
    path("", include("spendwise.portability.urls")),
    path("", include("spendwise.web.urls")),
]
