locals {
  budget_name = "${var.name}-monthly"
}

# Account-wide cost: SpendWise is meant to live in its own account per environment, where every
# dollar is the app's. Credits and refunds are left out so a promotion cannot hide real spend.
resource "aws_budgets_budget" "monthly" {
  name         = local.budget_name
  budget_type  = "COST"
  time_unit    = "MONTHLY"
  limit_amount = format("%.2f", var.monthly_limit_usd)
  limit_unit   = "USD"
  tags         = var.tags

  cost_types {
    include_credit = false
    include_refund = false
  }

  dynamic "notification" {
    for_each = var.thresholds_percent
    content {
      notification_type          = "ACTUAL"
      comparison_operator        = "GREATER_THAN"
      threshold                  = notification.value
      threshold_type             = "PERCENTAGE"
      subscriber_email_addresses = var.alert_emails
    }
  }

  # Warns while there is still time to act, before the money is spent.
  notification {
    notification_type          = "FORECASTED"
    comparison_operator        = "GREATER_THAN"
    threshold                  = var.forecast_threshold_percent
    threshold_type             = "PERCENTAGE"
    subscriber_email_addresses = var.alert_emails
  }
}
