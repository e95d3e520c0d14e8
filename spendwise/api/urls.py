from django.urls import path

from spendwise.api import views

app_name = "tokens"
urlpatterns = [
    path("settings/tokens/", views.token_list, name="index"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
