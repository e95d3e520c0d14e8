# Everything an environment root decides. Defaults are the cheap, safe choices of a small
# deployment; infra/envs/prod tightens the ones that protect data.

# --- Identity of the deployment --------------------------------------------------------------

variable "environment" {
  description = "Deployment stage: \"dev\" or \"prod\". Part of every resource name."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be \"dev\" or \"prod\"."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; the full name is \"<name_prefix>-<environment>\"."
  type        = string
  default     = "spendwise"

  validation {
    # Leaves room for "-prod" inside the modules' 31-character name limit.
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2-21 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "aws_region" {
  description = "Region the stack runs in. Must be the region of the default aws provider (checked)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as \"eu-west-1\"."
  }
}

variable "tags" {
  description = "Extra tags for every resource (the env roots also set provider default_tags)."
  type        = map(string)
  default     = {}
}

# --- Domain names ---------------------------------------------------------------------------

variable "domain_name" {
  description = "Public host name of the app (CloudFront alias), e.g. \"app.example.com\"."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lower-case DNS host name such as \"app.example.com\"."
  }
}

variable "origin_domain_name" {
  description = "Host name CloudFront uses to reach the ALB (regional certificate), e.g. \"origin.app.example.com\"."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.origin_domain_name))
    error_message = "origin_domain_name must be a lower-case DNS host name such as \"origin.app.example.com\"."
  }

  validation {
    condition     = var.origin_domain_name != var.domain_name
    error_message = "origin_domain_name must differ from domain_name: the public name points at CloudFront, the origin name at the ALB."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 zone of both names. When set, DNS validation and alias records are created; when null the operator adds them (docs/deploy.md)."
  type        = string
  default     = null

  validation {
    condition     = var.hosted_zone_id == null || can(regex("^Z[A-Z0-9]{4,31}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be null or a Route 53 zone id such as \"Z0123456789ABCDEFGHIJ\"."
  }
}

variable "alb_certificate_arn" {
  description = "An existing ISSUED regional ACM certificate for origin_domain_name. Null: the stack requests one with DNS validation."
  type        = string
  default     = null

  validation {
    condition     = var.alb_certificate_arn == null || startswith(coalesce(var.alb_certificate_arn, "-"), "arn:")
    error_message = "alb_certificate_arn must be null or an ACM certificate ARN (\"arn:...\")."
  }
}

# --- People and money -----------------------------------------------------------------------

variable "alarm_emails" {
  description = "Addresses that receive alarm and budget e-mails (each must confirm the SNS subscription)."
  type        = list(string)

  validation {
    condition     = length(var.alarm_emails) > 0 && alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must hold at least one e-mail address, and every entry must look like name@domain.tld."
  }
}

variable "monthly_budget_usd" {
  description = "Monthly AWS Budgets limit in USD (alerts at 80 % and 100 % actual, 100 % forecast)."
  type        = number

  validation {
    condition     = var.monthly_budget_usd > 0
    error_message = "monthly_budget_usd must be greater than 0."
  }
}

variable "enable_budget" {
  description = "Create the AWS Budgets alarm."
  type        = bool
  default     = true
}

# --- Delivery -------------------------------------------------------------------------------

variable "github_repository" {
  description = "\"owner/name\" of the GitHub repository allowed to deploy through OIDC."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be \"owner/name\"."
  }
}

variable "github_branch" {
  description = "The branch that deploys: the GitHub environment named after `environment` must allow only this branch (docs/delivery.md); the roles trust that environment."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.github_branch)) && !strcontains(var.github_branch, "*")
    error_message = "github_branch must be one branch name (no wildcards)."
  }
}

variable "enable_github_oidc" {
  description = "Create the GitHub Actions deploy role."
  type        = bool
  default     = true
}

variable "github_oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com OIDC provider. An account holds only one: when dev and prod share an account, prod passes dev's. Null: create it."
  type        = string
  default     = null

  validation {
    condition     = var.github_oidc_provider_arn == null || can(regex("^arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", coalesce(var.github_oidc_provider_arn, "-")))
    error_message = "github_oidc_provider_arn must be null or the ARN of the token.actions.githubusercontent.com OIDC provider."
  }
}

variable "terraform_state_bucket" {
  description = "Name of the state bucket (infra/bootstrap's state_bucket_name). When set, the GitHub Actions terraform plan and apply roles are created (with enable_github_oidc); null: no terraform roles."
  type        = string
  default     = null

  validation {
    condition     = var.terraform_state_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.terraform_state_bucket, "-")))
    error_message = "terraform_state_bucket must be null or an S3 bucket name."
  }
}

variable "terraform_state_key" {
  description = "Key of this environment's state in the bucket; null means \"spendwise/<environment>/terraform.tfstate\" (the key in infra/envs/<env>/versions.tf)."
  type        = string
  default     = null
}

variable "terraform_state_kms_key_arn" {
  description = "KMS key of the state bucket (infra/bootstrap's state_kms_key_arn); required with terraform_state_bucket."
  type        = string
  default     = null

  validation {
    condition     = var.terraform_state_bucket == null || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", coalesce(var.terraform_state_kms_key_arn, "-")))
    error_message = "terraform_state_kms_key_arn must be the state bucket's KMS key ARN when terraform_state_bucket is set."
  }
}

variable "image_tag" {
  description = "Tag of an image already pushed to the stack's ECR repository (immutable tags; never \"latest\")."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a valid Docker tag other than \"latest\" (e.g. a release number or a git SHA)."
  }
}

# --- Network --------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 range of the VPC (/16 to /24)."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR block between /16 and /24, e.g. \"10.20.0.0/16\"."
  }
}

variable "peer_cidrs" {
  description = "Ranges the VPC must not overlap (VPN, office, other VPCs)."
  type        = list(string)
  default     = []
}

variable "az_count" {
  description = "Availability zones used (2 or 3). RDS and the ALB need at least two."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "enable_nat_gateway" {
  description = "NAT gateway for outbound internet. Off: the tasks reach AWS only through VPC endpoints."
  type        = bool
  default     = false
}

variable "single_nat_gateway" {
  description = "With NAT on: one shared NAT gateway (cheaper) instead of one per AZ (survives an AZ outage)."
  type        = bool
  default     = true
}

variable "enable_bastion" {
  description = "Create the SSM-only bastion used by scripts/db-tunnel."
  type        = bool
  default     = false
}

# --- Edge -----------------------------------------------------------------------------------

variable "enable_edge" {
  description = "CloudFront + WAF + us-east-1 certificate in front of the ALB. Only the offline moto apply test turns it off (moto has no CloudFront/WAFv2 parity); without it the ALB is unreachable by design."
  type        = bool
  default     = true
}

variable "enable_waf" {
  description = "Attach the WAF web ACL to CloudFront."
  type        = bool
  default     = true
}

variable "waf_rate_limit" {
  description = "Requests per 5 minutes per client IP before the WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100 && var.waf_rate_limit <= 2000000
    error_message = "waf_rate_limit must be between 100 and 2000000."
  }
}

variable "cloudfront_prefix_list_id" {
  description = "Id of the CloudFront origin-facing managed prefix list. Null: looked up (set only where the lookup does not work, e.g. the moto test)."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_prefix_list_id == null || can(regex("^pl-[0-9a-f]+$", coalesce(var.cloudfront_prefix_list_id, "-")))
    error_message = "cloudfront_prefix_list_id must be null or a prefix list id (\"pl-...\")."
  }
}

variable "alb_deletion_protection" {
  description = "Refuse to delete the load balancer (turn off before a teardown; dev turns it off)."
  type        = bool
  default     = true
}

# --- App tasks ------------------------------------------------------------------------------

variable "task_cpu" {
  description = "Fargate CPU units per task (256 = 0.25 vCPU)."
  type        = number
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.task_cpu)
    error_message = "task_cpu must be one of Fargate's sizes: 256, 512, 1024, 2048, 4096."
  }
}

variable "task_memory" {
  description = "Fargate memory per task in MiB; must be a valid pairing with task_cpu."
  type        = number
  default     = 1024

  validation {
    # Fargate's CPU/memory pairs (MiB).
    condition = (
      var.task_cpu == 256 ? contains([512, 1024, 2048], var.task_memory) :
      var.task_cpu == 512 ? contains([1024, 2048, 3072, 4096], var.task_memory) :
      var.task_cpu == 1024 ? var.task_memory >= 2048 && var.task_memory <= 8192 && var.task_memory % 1024 == 0 :
      var.task_cpu == 2048 ? var.task_memory >= 4096 && var.task_memory <= 16384 && var.task_memory % 1024 == 0 :
      var.task_memory >= 8192 && var.task_memory <= 30720 && var.task_memory % 1024 == 0
    )
    error_message = "task_memory is not a Fargate pairing for task_cpu (256: 512/1024/2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720, in GiB steps)."
  }
}

variable "desired_count" {
  description = "Tasks at the first deployment; autoscaling owns the number afterwards."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= var.min_tasks && var.desired_count <= var.max_tasks
    error_message = "desired_count must be between min_tasks and max_tasks."
  }
}

variable "min_tasks" {
  description = "Autoscaling floor."
  type        = number
  default     = 2

  validation {
    condition     = var.min_tasks >= 1
    error_message = "min_tasks must be at least 1."
  }
}

variable "max_tasks" {
  description = "Autoscaling ceiling."
  type        = number
  default     = 6

  validation {
    condition     = var.max_tasks >= var.min_tasks && var.max_tasks <= 100
    error_message = "max_tasks must be at least min_tasks and at most 100."
  }
}

variable "cpu_target_percent" {
  description = "Average task CPU that autoscaling aims for."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 10 and 90."
  }
}

variable "requests_per_target" {
  description = "ALB requests per task per minute that autoscaling aims for."
  type        = number
  default     = 300

  validation {
    condition     = var.requests_per_target > 0
    error_message = "requests_per_target must be greater than 0."
  }
}

variable "app_environment" {
  description = "Extra non-secret environment for the app (e.g. EMAIL_HOST, DEFAULT_FROM_EMAIL; see docs/configuration.md). The stack's own settings win on a clash."
  type        = map(string)
  default     = {}
}

# --- Database -------------------------------------------------------------------------------

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.db_instance_class))
    error_message = "db_instance_class must be an RDS class such as \"db.t4g.micro\"."
  }
}

variable "db_engine_version" {
  description = "PostgreSQL version (major 15 or later)."
  type        = string
  default     = "16.8"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?$", var.db_engine_version)) && try(tonumber(split(".", var.db_engine_version)[0]) >= 15, false)
    error_message = "db_engine_version must be a PostgreSQL version of major 15 or later, e.g. \"16.8\"."
  }
}

variable "db_allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage >= 20
    error_message = "db_allocated_storage must be at least 20 GiB (gp3's minimum)."
  }
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 100

  validation {
    condition     = var.db_max_allocated_storage >= var.db_allocated_storage
    error_message = "db_max_allocated_storage must be at least db_allocated_storage."
  }
}

variable "db_multi_az" {
  description = "Standby in a second AZ with automatic fail-over."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 7 and 35."
  }
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database and the Cognito user pool (the two halves of the user data)."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Delete the database without a final snapshot (dev teardown only)."
  type        = bool
  default     = false
}

# --- Identity -------------------------------------------------------------------------------

variable "lambda_zip_path" {
  description = "Path of the PostConfirmation package built by `make lambda`, relative to the directory terraform runs in."
  type        = string

  validation {
    condition     = endswith(var.lambda_zip_path, ".zip")
    error_message = "lambda_zip_path must be the path of a .zip file (dist/post_confirmation.zip from `make lambda`)."
  }
}

variable "cognito_mfa" {
  description = "Cognito MFA: \"OFF\", \"OPTIONAL\" (TOTP for those who enrol) or \"ON\"."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OFF", "OPTIONAL", "ON"], var.cognito_mfa)
    error_message = "cognito_mfa must be \"OFF\", \"OPTIONAL\" or \"ON\"."
  }
}

variable "cognito_ses_identity_arn" {
  description = "Verified SES identity that sends Cognito's codes. Null: Cognito's own e-mail (about 50 messages a day per account, fine for dev and a private beta)."
  type        = string
  default     = null

  validation {
    condition     = var.cognito_ses_identity_arn == null || can(regex("^arn:[a-z-]+:ses:[a-z0-9-]+:[0-9]{12}:identity/.+$", coalesce(var.cognito_ses_identity_arn, "-")))
    error_message = "cognito_ses_identity_arn must be null or an SES identity ARN (arn:aws:ses:<region>:<account>:identity/<domain or address>)."
  }
}

variable "cognito_from_email_address" {
  description = "Sender of Cognito's codes when sent through SES, e.g. \"SpendWise <no-reply@example.com>\"."
  type        = string
  default     = null
}

# --- Operations -----------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group (one of CloudWatch's allowed values)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete non-empty buckets and the ECR repository, and delete secrets without a recovery window. Dev and tests only."
  type        = bool
  default     = false
}
