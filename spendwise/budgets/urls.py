from django.urls import path

from spendwise.budgets import views

app_name = "budgets"
urlpatterns = [
    path("budgets/", views.index, name="index"),
    path("budgets/set/", views.set_budget, name="set"),
    path("budgets/copy/", views.copy_last_month, name="copy"),
    path("budgets/<int:pk>/edit/", views.edit_budget, name="edit"),
    path("budgets/<int:pk>/delete/", views.delete_budget, name="delete"),
]
