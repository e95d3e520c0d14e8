from django.urls import path

from spendwise.audit import views

app_name = "audit"
urlpatterns = [
    path("audit/", views.audit_log, name="log"),
    path("audit/export.csv", views.audit_csv, name="csv"),
    path("settings/security-log/", views.security_log, name="security_log"),
]
