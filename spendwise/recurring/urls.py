from django.urls import path

from spendwise.recurring import views

app_name = "recurring"
urlpatterns = [
    path("recurring/", views.schedule_list, name="schedules"),
    path("recurring/new/", views.schedule_create, name="schedule_create"),
    path("recurring/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("recurring/<int:pk>/delete/", views.schedule_delete, name="schedule_delete"),
    path(
        "recurring/occurrences/<int:pk>/confirm/",
        views.occurrence_confirm,
        name="occurrence_confirm",
    ),
    path("recurring/occurrences/<int:pk>/skip/", views.occurrence_skip, name="occurrence_skip"),
]
