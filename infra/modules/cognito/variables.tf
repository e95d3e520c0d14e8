variable "name" {
  description = "Prefix for resource names, e.g. \"spendwise-dev\"."
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

# --- The PostConfirmation Lambda -------------------------------------------------------------

variable "lambda_zip_path" {
  description = "Path of the Lambda package built by `make lambda` (dist/post_confirmation.zip). It must exist at plan time."
  type        = string

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip")
    error_message = "lambda_zip_path must be the path of a .zip file (make lambda writes dist/post_confirmation.zip)."
  }
}

variable "lambda_subnet_ids" {
  description = "Private subnets the Lambda runs in (the ones whose route tables reach the interface endpoints and the database)."
  type        = list(string)

  validation {
    condition     = length(var.lambda_subnet_ids) >= 2
    error_message = "lambda_subnet_ids needs at least two subnets, in different AZs, so sign-ups survive an AZ outage."
  }
}

variable "vpc_id" {
  description = "VPC of the Lambda's security group."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR of the VPC: the Lambda may call HTTPS (the Secrets Manager endpoint) only inside it."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR such as 10.20.0.0/16."
  }
}

variable "db_security_group_id" {
  description = "Security group of the database: the Lambda's only PostgreSQL egress goes to it (the database must allow this module's lambda_security_group_id)."
  type        = string
}

variable "db_secret_arn" {
  description = "ARN of the RDS-managed master secret ({\"username\", \"password\"}); becomes DB_SECRET_ARN."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:secretsmanager:", var.db_secret_arn))
    error_message = "db_secret_arn must be a Secrets Manager secret ARN (the rds module's master_user_secret_arn)."
  }
}

variable "db_host" {
  description = "Database host name (DB_HOST)."
  type        = string
}

variable "db_port" {
  description = "Database port (DB_PORT)."
  type        = number
  default     = 5432

  validation {
    condition     = var.db_port >= 1 && var.db_port <= 65535
    error_message = "db_port must be a TCP port (1-65535)."
  }
}

variable "db_name" {
  description = "Database name (DB_NAME)."
  type        = string
  default     = "spendwise"
}

variable "kms_key_arns" {
  description = "CMKs the Lambda may use to decrypt the database secret (through Secrets Manager only)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.kms_key_arns : can(regex("^arn:[a-z-]+:kms:", arn))])
    error_message = "Each of kms_key_arns must be a KMS key ARN."
  }
}

variable "kms_key_arn" {
  description = "CMK (e.g. the secrets module's app key) for this module's own data: the Lambda's environment, its log group and the artifacts bucket. null: AWS-managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "log_retention_days" {
  description = "Retention of the Lambda's log group, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "lambda_artifacts_bucket_force_destroy" {
  description = "Let terraform destroy empty the Lambda artifacts bucket (dev teardown and tests only)."
  type        = bool
  default     = false
}

# --- The user pool and app client ------------------------------------------------------------

variable "mfa" {
  description = "Multi-factor sign-in: OFF, OPTIONAL (each person may add an authenticator app) or ON. Authenticator apps (TOTP) only, never SMS."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.mfa)
    error_message = "mfa must be OFF, OPTIONAL or ON (TOTP authenticator apps; SMS is not offered)."
  }
}

variable "password_minimum_length" {
  description = "Shortest password the pool accepts (it also requires upper and lower case, a digit and a symbol)."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 8 && var.password_minimum_length <= 99 && floor(var.password_minimum_length) == var.password_minimum_length
    error_message = "password_minimum_length must be a whole number from 8 to 99."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the user pool (production: the pool holds everyone's password)."
  type        = bool
  default     = true
}

variable "generate_client_secret" {
  description = "Give the app client a secret (the app then sends SECRET_HASH; COGNITO_CLIENT_SECRET)."
  type        = bool
  default     = false
}

variable "email_sending_account" {
  description = "Who sends the codes: COGNITO_DEFAULT (Cognito's own mail, 50 a day, fine for dev) or DEVELOPER (your SES identity, email_source_arn)."
  type        = string
  default     = "COGNITO_DEFAULT"

  validation {
    condition     = contains(["COGNITO_DEFAULT", "DEVELOPER"], var.email_sending_account)
    error_message = "email_sending_account must be COGNITO_DEFAULT or DEVELOPER."
  }
}

variable "email_source_arn" {
  description = "ARN of the verified SES identity that sends the codes when email_sending_account is DEVELOPER."
  type        = string
  default     = null

  validation {
    condition     = var.email_sending_account == "COGNITO_DEFAULT" || can(regex("^arn:[a-z-]+:ses:", var.email_source_arn))
    error_message = "email_sending_account = DEVELOPER needs email_source_arn, the ARN of a verified SES identity."
  }
}

variable "from_email_address" {
  description = "Sender shown on the codes with DEVELOPER sending, e.g. \"SpendWise <no-reply@example.com>\"."
  type        = string
  default     = null
}
