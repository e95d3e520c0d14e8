from django.urls import path

from spendwise.attachments import views

app_name = "attachments"
urlpatterns = [
    path("transactions/<int:pk>/receipts/", views.receipts, name="receipts"),
    path("receipts/<int:pk>/", views.open_receipt, name="open"),
    path("receipts/<int:pk>/delete/", views.delete_receipt, name="delete"),
    path("files/<str:token>/", views.stored_file, name="file"),
]
