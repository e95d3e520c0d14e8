from django.urls import path

from spendwise.ledger import views

app_name = "ledger"
urlpatterns = [
    path("transactions/", views.transactions, name="transactions"),
    path("transactions/add/", views.transaction_create, name="transaction_create"),
    path("transactions/<int:pk>/edit/", views.transaction_edit, name="transaction_edit"),
    path("transactions/<int:pk>/delete/", views.transaction_delete, name="transaction_delete"),
    path("transfers/add/", views.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/edit/", views.transfer_edit, name="transfer_edit"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/add/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("categories/", views.categories, name="categories"),
    path("categories/add/", views.category_create, name="category_create"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("payees/", views.payees, name="payees"),
    path("payees/<int:pk>/edit/", views.payee_edit, name="payee_edit"),
    path("tags/", views.tags, name="tags"),
]
