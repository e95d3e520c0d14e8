from django.urls import path

from spendwise.portability import views

app_name = "portability"
urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/spendwise.zip", views.export_archive, name="export_archive"),
    path("export/transactions.csv", views.transactions_csv, name="transactions_csv"),
    path("import/", views.restore_page, name="restore"),
    path("account/delete/", views.delete_account, name="delete_account"),
]
