from django.urls import path

from spendwise.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("settings/webhooks/", views.index, name="index"),
    path("settings/webhooks/new/", views.create, name="create"),
    path("settings/webhooks/<int:pk>/", views.detail, name="detail"),
    path("settings/webhooks/<int:pk>/edit/", views.edit, name="edit"),
    path("settings/webhooks/<int:pk>/delete/", views.delete, name="delete"),
    path("settings/webhooks/<int:pk>/rotate/", views.rotate, name="rotate"),
    path("settings/webhooks/<int:pk>/test/", views.test_send, name="test"),
]
