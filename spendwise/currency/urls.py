from django.urls import path

from spendwise.currency import views

app_name = "currency"
urlpatterns = [
    path("exchange-rates/", views.rates, name="rates"),
    path("exchange-rates/add/", views.rate_create, name="rate_create"),
    path("exchange-rates/upload/", views.upload, name="upload"),
    path("exchange-rates/<int:pk>/delete/", views.rate_delete, name="rate_delete"),
]
