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

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription once)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for email in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Every alarm_emails entry must look like an e-mail address, e.g. \"ops@example.com\"."
  }
}

variable "kms_key_arn" {
  description = "KMS key (ARN) that encrypts the SNS topic; its key policy must let cloudwatch.amazonaws.com use it (the secrets module's key does)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:...)."
  }
}

variable "alb_arn_suffix" {
  description = "ALB ARN suffix (app/<name>/<id>), the LoadBalancer dimension of AWS/ApplicationELB metrics."
  type        = string

  validation {
    condition     = startswith(var.alb_arn_suffix, "app/")
    error_message = "alb_arn_suffix must be the ALB's arn_suffix, which starts with \"app/\"."
  }
}

variable "target_group_arn_suffix" {
  description = "Target group ARN suffix (targetgroup/<name>/<id>), the TargetGroup dimension."
  type        = string

  validation {
    condition     = startswith(var.target_group_arn_suffix, "targetgroup/")
    error_message = "target_group_arn_suffix must be the target group's arn_suffix, which starts with \"targetgroup/\"."
  }
}

variable "cluster_name" {
  description = "ECS cluster name."
  type        = string
}

variable "service_name" {
  description = "ECS service name."
  type        = string
}

variable "db_instance_id" {
  description = "RDS instance identifier."
  type        = string
}

variable "lambda_function_name" {
  description = "Name of the Cognito PostConfirmation Lambda."
  type        = string
}

variable "db_allocated_storage_gb" {
  description = "Allocated RDS storage in GB, the base of the free-storage alarm threshold."
  type        = number

  validation {
    condition     = var.db_allocated_storage_gb >= 20
    error_message = "db_allocated_storage_gb must be at least 20 (RDS PostgreSQL's minimum)."
  }
}

variable "alb_5xx_rate_percent" {
  description = "Alarm when 5xx responses (target + load balancer) exceed this share of requests, in percent."
  type        = number
  default     = 5

  validation {
    condition     = var.alb_5xx_rate_percent > 0 && var.alb_5xx_rate_percent <= 100
    error_message = "alb_5xx_rate_percent must be greater than 0 and at most 100."
  }
}

variable "p95_latency_seconds" {
  description = "Alarm when the targets' p95 response time exceeds this, in seconds."
  type        = number
  default     = 1

  validation {
    condition     = var.p95_latency_seconds > 0
    error_message = "p95_latency_seconds must be greater than 0."
  }
}

variable "ecs_cpu_percent" {
  description = "Alarm when the service's average CPU exceeds this, in percent."
  type        = number
  default     = 80

  validation {
    condition     = var.ecs_cpu_percent > 0 && var.ecs_cpu_percent <= 100
    error_message = "ecs_cpu_percent must be greater than 0 and at most 100."
  }
}

variable "ecs_memory_percent" {
  description = "Alarm when the service's average memory exceeds this, in percent."
  type        = number
  default     = 80

  validation {
    condition     = var.ecs_memory_percent > 0 && var.ecs_memory_percent <= 100
    error_message = "ecs_memory_percent must be greater than 0 and at most 100."
  }
}

variable "rds_cpu_percent" {
  description = "Alarm when the database's CPU exceeds this, in percent."
  type        = number
  default     = 80

  validation {
    condition     = var.rds_cpu_percent > 0 && var.rds_cpu_percent <= 100
    error_message = "rds_cpu_percent must be greater than 0 and at most 100."
  }
}

variable "rds_free_storage_percent" {
  description = "Alarm when free storage falls below this share of db_allocated_storage_gb, in percent."
  type        = number
  default     = 10

  validation {
    condition     = var.rds_free_storage_percent > 0 && var.rds_free_storage_percent < 100
    error_message = "rds_free_storage_percent must be greater than 0 and less than 100."
  }
}

variable "rds_max_connections" {
  description = "Alarm when open database connections exceed this count."
  type        = number
  default     = 80

  validation {
    condition     = var.rds_max_connections >= 1
    error_message = "rds_max_connections must be at least 1."
  }
}
