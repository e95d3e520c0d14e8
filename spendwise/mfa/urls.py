from django.urls import path

from spendwise.mfa import views

app_name = "mfa"
urlpatterns = [
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("security/", views.security, name="security"),
    path("security/two-step/set-up/", views.setup, name="setup"),
    path("security/two-step/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "security/two-step/recovery-codes/new/",
        views.regenerate_recovery_codes,
        name="regenerate_recovery_codes",
    ),
    path("security/two-step/turn-off/", views.disable, name="disable"),
    path("security/household/", views.household_policy, name="household_policy"),
]
