from django.urls import path

from spendwise.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/spending/", views.spending, name="spending"),
    path("reports/trend/", views.trend, name="trend"),
    path("reports/income-expenses/", views.income_expenses, name="income_expenses"),
    path("reports/cash-flow/", views.cash_flow, name="cash_flow"),
    path("reports/net-worth/", views.net_worth, name="net_worth"),
    path("reports/payees/", views.payees, name="payees"),
    path("reports/tags/", views.tags, name="tags"),
]
