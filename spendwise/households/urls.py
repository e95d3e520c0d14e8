from django.urls import path

from spendwise.households import views

app_name = "households"
urlpatterns = [
    path("household/members/", views.members, name="members"),
    path("household/invitations/", views.invite, name="invite"),
    path(
        "household/invitations/<int:pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("household/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("household/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("household/leave/", views.leave, name="leave"),
    path("household/settle-up/", views.settle_up, name="settle_up"),
    path("household/settle-up/settle/", views.settle, name="settle"),
    path(
        "household/settlements/<int:pk>/delete/",
        views.settlement_delete,
        name="settlement_delete",
    ),
    path("households/switch/", views.switch, name="switch"),
    path("households/new/", views.create, name="create"),
    path("invitations/<str:token>/", views.accept, name="accept"),
]
