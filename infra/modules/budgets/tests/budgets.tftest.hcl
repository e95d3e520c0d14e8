# Plan-only tests with a mocked provider: no AWS account, no network.

mock_provider "aws" {}

variables {
  name              = "spendwise-test"
  monthly_limit_usd = 120
  alert_emails      = ["billing@example.com"]
  tags              = { Project = "spendwise" }
}

run "a_monthly_cost_budget_notifies_at_each_threshold_and_on_forecast" {
  command = plan

  assert {
    condition     = aws_budgets_budget.monthly.name == "spendwise-test-monthly" && aws_budgets_budget.monthly.budget_type == "COST" && aws_budgets_budget.monthly.time_unit == "MONTHLY"
    error_message = "The budget is a monthly COST budget named <name>-monthly."
  }

  assert {
    condition     = aws_budgets_budget.monthly.limit_amount == "120.00" && aws_budgets_budget.monthly.limit_unit == "USD"
    error_message = "monthly_limit_usd must be the budget's limit in USD."
  }

  assert {
    condition = toset([
      for n in aws_budgets_budget.monthly.notification : "${n.notification_type}:${n.threshold}" if n.threshold_type == "PERCENTAGE"
    ]) == toset(["ACTUAL:80", "ACTUAL:100", "FORECASTED:100"])
    error_message = "Actual spend notifies at 80% and 100%, the forecast at 100%."
  }

  assert {
    condition     = alltrue([for n in aws_budgets_budget.monthly.notification : n.subscriber_email_addresses == toset(["billing@example.com"])])
    error_message = "Every notification goes to alert_emails."
  }

  assert {
    condition     = aws_budgets_budget.monthly.tags["Project"] == "spendwise"
    error_message = "The budget is tagged."
  }
}

run "refuses_a_limit_of_zero" {
  command = plan

  variables {
    monthly_limit_usd = 0
  }

  expect_failures = [var.monthly_limit_usd]
}

run "refuses_a_malformed_email" {
  command = plan

  variables {
    alert_emails = ["billing-at-example.com"]
  }

  expect_failures = [var.alert_emails]
}

run "refuses_no_email_at_all" {
  command = plan

  variables {
    alert_emails = []
  }

  expect_failures = [var.alert_emails]
}

run "refuses_repeated_thresholds" {
  command = plan

  variables {
    thresholds_percent = [80, 80]
  }

  expect_failures = [var.thresholds_percent]
}
