from django.urls import path

from spendwise.identity import views

app_name = "identity"
urlpatterns = [
    path("sign-up/", views.sign_up, name="sign_up"),
    path("confirm/", views.confirm, name="confirm"),
    path("confirm/resend/", views.resend_code, name="resend_code"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("forgot-password/", views.forgot_password, name="forgot_password"),
    path("reset-password/", views.reset_password, name="reset_password"),
    path("settings/", views.settings_page, name="settings"),
]
