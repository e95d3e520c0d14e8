variable "name" {
  description = "Prefix for resource names and the DB instance identifier, e.g. \"spendwise-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 characters: a lower-case letter, then lower-case letters, digits or hyphens."
  }
}

variable "tags" {
  description = "Tags set on every taggable resource (the provider's default_tags come on top)."
  type        = map(string)
  default     = {}
}

variable "vpc_id" {
  description = "VPC of the database security group."
  type        = string
}

variable "database_subnet_ids" {
  description = "The network module's database subnets (no route to the internet), in at least two AZs."
  type        = list(string)

  validation {
    condition     = length(var.database_subnet_ids) >= 2
    error_message = "database_subnet_ids needs subnets in at least two availability zones (RDS requires it, Multi-AZ uses them)."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups that may reach PostgreSQL, label => SG id (e.g. { \"app tasks\" = …, \"post-confirmation Lambda\" = … }). One ingress rule on 5432 each; nothing else gets in."
  type        = map(string)

  validation {
    condition     = alltrue([for label in keys(var.allowed_security_group_ids) : can(regex("^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$", label))])
    error_message = "Each label must be 1-60 letters, digits, spaces, dots, underscores or hyphens (it goes into the rule description)."
  }
}

variable "engine_version" {
  description = "PostgreSQL version: a major (\"16\": RDS picks the default minor and auto minor upgrades cause no drift) or major.minor (\"16.8\")."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.engine_version)) && try(tonumber(split(".", var.engine_version)[0]) >= 15, false)
    error_message = "engine_version must be PostgreSQL 15 or newer, written \"16\" or \"16.8\"."
  }
}

variable "instance_class" {
  description = "DB instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be an RDS class such as \"db.t4g.micro\"."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB (gp3)."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536
    error_message = "allocated_storage must be between 20 and 65536 GiB (gp3 limits)."
  }
}

variable "max_allocated_storage" {
  description = "Ceiling in GiB for storage autoscaling; equal to allocated_storage switches autoscaling off."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage >= var.allocated_storage && var.max_allocated_storage <= 65536
    error_message = "max_allocated_storage must be at least allocated_storage and at most 65536 GiB."
  }
}

variable "multi_az" {
  description = "Run a synchronous standby in a second AZ (production)."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery (7-35; SpendWise uses at least 7 in dev and 14 in prod)."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "backup_retention_days must be a whole number from 7 to 35: automated backups with point-in-time recovery are required."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (production)."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete without a final snapshot (dev teardown and tests only)."
  type        = bool
  default     = false
}

variable "publicly_accessible" {
  description = "Must stay false: the database lives in subnets with no route to the internet and is reached through the app, the Lambda or the bastion."
  type        = bool
  default     = false

  validation {
    condition     = var.publicly_accessible == false
    error_message = "RDS must never be public: publicly_accessible must be false (use the bastion and scripts/db-tunnel to reach it)."
  }
}

variable "db_name" {
  description = "Name of the database created in the instance."
  type        = string
  default     = "spendwise"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must start with a letter and hold at most 63 letters, digits or underscores."
  }
}

variable "username" {
  description = "Master user name; its password is generated, stored and rotated by RDS in Secrets Manager."
  type        = string
  default     = "spendwise"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9_]{0,62}$", var.username)) && !contains(["postgres", "rdsadmin", "admin"], lower(var.username))
    error_message = "username must start with a letter, hold at most 63 letters, digits or underscores, and not be a reserved name (postgres, rdsadmin, admin)."
  }
}

variable "kms_key_arn" {
  description = "CMK for storage, the RDS-managed master secret, Performance Insights and the log groups; null makes the module create one (rotation on)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:<partition>:kms:…)."
  }
}

variable "create_kms_key" {
  description = "Create the module's own CMK. null decides from kms_key_arn (null => create). Set false explicitly when kms_key_arn comes from another module's output: Terraform cannot count resources from a value it only learns at apply."
  type        = bool
  default     = null

  validation {
    condition     = coalesce(var.create_kms_key, var.kms_key_arn == null) == (var.kms_key_arn == null)
    error_message = "create_kms_key = true takes no kms_key_arn, and create_kms_key = false needs one."
  }
}

variable "performance_insights" {
  description = "Turn on Performance Insights (7 days, the free tier), encrypted with the CMK."
  type        = bool
  default     = true
}

variable "monitoring_interval" {
  description = "Seconds between Enhanced Monitoring samples; 0 switches it off."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "log_min_duration_ms" {
  description = "Log every statement slower than this many milliseconds (log_min_duration_statement); -1 logs none. The logged text includes literal values (client-side binding), so it stays off unless you accept personal data in the PostgreSQL log."
  type        = number
  default     = -1

  validation {
    condition     = var.log_min_duration_ms >= -1 && floor(var.log_min_duration_ms) == var.log_min_duration_ms
    error_message = "log_min_duration_ms must be a whole number of milliseconds, or -1 to log none."
  }
}

variable "log_retention_days" {
  description = "Retention of the exported PostgreSQL log groups, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "apply_immediately" {
  description = "Apply changes now instead of in the next maintenance window (may restart the instance)."
  type        = bool
  default     = false
}

variable "allow_major_version_upgrade" {
  description = "Allow a change of engine_version's major (also switches to the matching parameter group)."
  type        = bool
  default     = false
}

variable "backup_window" {
  description = "Daily UTC window for automated backups (hh24:mi-hh24:mi); must not overlap maintenance_window."
  type        = string
  default     = "02:00-03:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:03:30-sun:04:30"
}
