from django.urls import include, path

from spendwise.api.main import api
from spendwise.web import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Django's set_language (POST): the signed-out language switch (docs/i18n.md).
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("", include("spendwise.api.urls")),
    path("", include("spendwise.identity.urls")),
    path("", include("spendwise.mfa.urls")),
    path("", include("spendwise.ledger.urls")),
    path("", include("spendwise.households.urls")),
    path("", include("spendwise.reports.urls")),
    path("", include("spendwise.recurring.urls")),
    path("", include("spendwise.budgets.urls")),
    path("", include("spendwise.notifications.urls")),
    path("", include("spendwise.currency.urls")),
    path("", include("spendwise.rules.urls")),
    path("", include("spendwise.imports.urls")),
    path("", include("spendwise.attachments.urls")),
    path("", include("spendwise.portability.urls")),
    path("", include("spendwise.webhooks.urls")),
    path("", include("spendwise.pwa.urls")),
    path("", include("spendwise.audit.urls")),
    path("", include("spendwise.web.urls")),
]

# A database outage (refused, full, timed out) answers 503 + Retry-After, not a 500 page
# (docs/resilience.md); anything else gets Django's plain 500.
handler500 = "spendwise.ops.unavailable.server_error"
