variable "name" {
  description = "Prefix for resource names, e.g. \"spendwise-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 characters: a lowercase letter, then lowercase letters, digits or hyphens."
  }
}

variable "tags" {
  description = "Tags set on every taggable resource."
  type        = map(string)
  default     = {}
}

variable "monthly_limit_usd" {
  description = "Monthly cost budget for the account, in US dollars."
  type        = number

  validation {
    condition     = var.monthly_limit_usd > 0
    error_message = "monthly_limit_usd must be greater than 0."
  }
}

variable "alert_emails" {
  description = "E-mail addresses told when actual or forecast spend crosses a threshold (AWS Budgets allows at most 10)."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) >= 1 && length(var.alert_emails) <= 10
    error_message = "alert_emails must hold 1 to 10 addresses (AWS Budgets' limit per notification)."
  }

  validation {
    condition     = alltrue([for email in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Every alert_emails entry must look like an e-mail address, e.g. \"billing@example.com\"."
  }
}

variable "thresholds_percent" {
  description = "Percentages of the limit at which actual spend notifies."
  type        = list(number)
  default     = [80, 100]

  validation {
    condition     = length(var.thresholds_percent) >= 1 && length(var.thresholds_percent) <= 4 && length(distinct(var.thresholds_percent)) == length(var.thresholds_percent)
    error_message = "thresholds_percent must hold 1 to 4 distinct values (a budget has at most 5 notifications, one is the forecast)."
  }

  validation {
    condition     = alltrue([for threshold in var.thresholds_percent : threshold > 0 && threshold <= 1000])
    error_message = "Every thresholds_percent value must be greater than 0 and at most 1000."
  }
}

variable "forecast_threshold_percent" {
  description = "Percentage of the limit at which the month-end forecast notifies."
  type        = number
  default     = 100

  validation {
    condition     = var.forecast_threshold_percent > 0 && var.forecast_threshold_percent <= 1000
    error_message = "forecast_threshold_percent must be greater than 0 and at most 1000."
  }
}
