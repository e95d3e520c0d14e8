# The prod environment's knobs. Values live in terraform.tfvars; the defaults here are prod's
# safe choices. infra/modules/stack/variables.tf documents each one and validates it; this file
# adds the rules that make an unsafe production impossible to plan.

variable "aws_region" {
  description = "Region of the environment."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of every resource name (\"<name_prefix>-prod\")."
  type        = string
  default     = "spendwise"
}

variable "domain_name" {
  description = "Public host name of the app, e.g. \"app.example.com\"."
  type        = string
}

variable "origin_domain_name" {
  description = "Host name CloudFront uses for the ALB, e.g. \"origin.app.example.com\"."
  type        = string
}

variable "hosted_zone_id" {
  description = "Route 53 zone holding both names; null to add DNS records by hand."
  type        = string
  default     = null
}

variable "alb_certificate_arn" {
  description = "Existing ISSUED regional certificate for origin_domain_name; null to request one."
  type        = string
  default     = null
}

variable "alarm_emails" {
  description = "Who receives alarms and budget alerts."
  type        = list(string)
}

variable "monthly_budget_usd" {
  description = "Monthly AWS Budgets limit in USD."
  type        = number
}

variable "enable_budget" {
  description = "Create the AWS Budgets alarm."
  type        = bool
  default     = true
}

variable "github_repository" {
  description = "\"owner/name\" allowed to deploy; also the Repository tag."
  type        = string
}

variable "github_branch" {
  description = "Branch that deploys (the GitHub environment's deployment branch)."
  type        = string
  default     = "main"
}

variable "enable_github_oidc" {
  description = "Create the GitHub Actions deploy role."
  type        = bool
  default     = true
}

variable "github_oidc_provider_arn" {
  description = "Existing GitHub OIDC provider of the account; null to create it."
  type        = string
  default     = null
}

variable "terraform_state_bucket" {
  description = "State bucket (infra/bootstrap's state_bucket_name): creates the infra workflow's terraform plan and apply roles; null for none."
  type        = string
  default     = null
}

variable "terraform_state_kms_key_arn" {
  description = "KMS key of the state bucket (infra/bootstrap's state_kms_key_arn)."
  type        = string
  default     = null
}

variable "image_tag" {
  description = "Tag of an image already pushed to this environment's ECR repository."
  type        = string
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC."
  type        = string
  default     = "10.20.0.0/16"
}

variable "peer_cidrs" {
  description = "Ranges the VPC must not overlap."
  type        = list(string)
  default     = []
}

variable "az_count" {
  description = "Availability zones (2 or 3)."
  type        = number
  default     = 2
}

variable "enable_nat_gateway" {
  description = "NAT gateway for outbound internet (not needed: AWS APIs go through endpoints)."
  type        = bool
  default     = false
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway rather than one per AZ."
  type        = bool
  default     = true
}

variable "enable_bastion" {
  description = "SSM-only bastion for scripts/db-tunnel."
  type        = bool
  default     = false
}

variable "enable_edge" {
  description = "CloudFront + WAF in front of the ALB (required in prod)."
  type        = bool
  default     = true

  validation {
    condition     = var.enable_edge
    error_message = "prod is reachable only through CloudFront and the WAF: enable_edge must be true."
  }
}

variable "enable_waf" {
  description = "WAF on CloudFront (required in prod)."
  type        = bool
  default     = true

  validation {
    condition     = var.enable_waf
    error_message = "prod keeps the WAF on CloudFront: enable_waf must be true."
  }
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes per IP before the WAF blocks."
  type        = number
  default     = 2000
}

variable "cloudfront_prefix_list_id" {
  description = "CloudFront origin-facing prefix list id; null to look it up."
  type        = string
  default     = null
}

variable "alb_deletion_protection" {
  description = "Refuse to delete the ALB."
  type        = bool
  default     = true
}

variable "task_cpu" {
  description = "Fargate CPU units per task."
  type        = number
  default     = 512
}

variable "task_memory" {
  description = "Fargate memory per task (MiB)."
  type        = number
  default     = 1024
}

variable "desired_count" {
  description = "Tasks at the first deployment."
  type        = number
  default     = 2
}

variable "min_tasks" {
  description = "Autoscaling floor (prod: at least 2, one per AZ)."
  type        = number
  default     = 2

  validation {
    condition     = var.min_tasks >= 2
    error_message = "prod keeps at least two tasks so one AZ or one deployment can fail: min_tasks must be >= 2."
  }
}

variable "max_tasks" {
  description = "Autoscaling ceiling."
  type        = number
  default     = 6
}

variable "cpu_target_percent" {
  description = "Average CPU autoscaling aims for."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "ALB requests per task per minute autoscaling aims for."
  type        = number
  default     = 300
}

variable "app_environment" {
  description = "Extra non-secret app settings (docs/configuration.md), e.g. SMTP for budget alert e-mails."
  type        = map(string)
  default     = {}
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_engine_version" {
  description = "PostgreSQL version."
  type        = string
  default     = "16.8"
}

variable "db_allocated_storage" {
  description = "Initial storage (GiB)."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling (GiB)."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Multi-AZ standby (required in prod)."
  type        = bool
  default     = true

  validation {
    condition     = var.db_multi_az
    error_message = "prod runs the database Multi-AZ: db_multi_az must be true."
  }
}

variable "db_backup_retention_days" {
  description = "Days of automated backups (prod: at least 14)."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 14
    error_message = "prod keeps at least 14 days of database backups (db_backup_retention_days >= 14)."
  }
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database and the user pool (required in prod)."
  type        = bool
  default     = true

  validation {
    condition     = var.db_deletion_protection
    error_message = "prod protects its data: db_deletion_protection must be true (turn it off only in a reviewed teardown, docs/deploy.md)."
  }
}

variable "db_skip_final_snapshot" {
  description = "Delete the database without a final snapshot (never in prod)."
  type        = bool
  default     = false

  validation {
    condition     = !var.db_skip_final_snapshot
    error_message = "prod takes a final snapshot before the database is deleted: db_skip_final_snapshot must be false."
  }
}

variable "lambda_zip_path" {
  description = "The PostConfirmation package from `make lambda`, relative to this directory."
  type        = string
  default     = "../../../dist/post_confirmation.zip"
}

variable "cognito_mfa" {
  description = "Cognito MFA: OFF, OPTIONAL or ON."
  type        = string
  default     = "OPTIONAL"
}

variable "cognito_ses_identity_arn" {
  description = "Verified SES identity for Cognito's codes; null uses Cognito's own e-mail (small daily quota)."
  type        = string
  default     = null
}

variable "cognito_from_email_address" {
  description = "Sender of Cognito's codes through SES."
  type        = string
  default     = null
}

variable "log_retention_days" {
  description = "Retention of every log group (prod: at least 90 days)."
  type        = number
  default     = 90

  validation {
    condition     = var.log_retention_days >= 90
    error_message = "prod keeps logs at least 90 days: log_retention_days must be >= 90."
  }
}

variable "force_destroy" {
  description = "Let destroy remove non-empty buckets, the ECR repository and secrets at once (never in prod)."
  type        = bool
  default     = false

  validation {
    condition     = !var.force_destroy
    error_message = "prod never force-destroys buckets, images or secrets: force_destroy must be false."
  }
}
