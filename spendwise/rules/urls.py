from django.urls import path

from spendwise.rules import views

app_name = "rules"
urlpatterns = [
    path("rules/", views.rule_list, name="list"),
    path("rules/add/", views.rule_create, name="create"),
    path("rules/apply/", views.apply_all, name="apply_all"),
    path("rules/suggest/", views.suggest, name="suggest"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="delete"),
    path("rules/<int:pk>/move/", views.rule_move, name="move"),
    path("rules/<int:pk>/apply/", views.apply_one, name="apply"),
]
