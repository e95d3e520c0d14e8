from django.urls import path

from spendwise.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
