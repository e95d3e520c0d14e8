from django.urls import path

from spendwise.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.index, name="index"),
    path("notifications/read/", views.mark_all_read, name="mark_all_read"),
]
