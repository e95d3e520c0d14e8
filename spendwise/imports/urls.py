from django.urls import path

from spendwise.imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.index, name="index"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/drafts/<int:pk>/columns/", views.mapping, name="mapping"),
    path("imports/drafts/<int:pk>/preview/", views.preview_page, name="preview"),
    path("imports/drafts/<int:pk>/commit/", views.commit, name="commit"),
    path("imports/drafts/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("imports/<int:pk>/", views.batch, name="batch"),
    path("imports/<int:pk>/undo/", views.undo, name="undo"),
]
