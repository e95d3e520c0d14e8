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

variable "repository" {
  description = "GitHub repository allowed to deploy, as \"owner/name\"."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.repository))
    error_message = "repository must be \"owner/name\", e.g. \"acme/spendwise\" (no wildcards, no URL)."
  }
}

variable "branch" {
  description = "Branch whose workflow runs may assume the role."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,200}$", var.branch)) && !startswith(var.branch, "refs/")
    error_message = "branch must be a plain branch name such as \"main\" (no wildcards, no \"refs/heads/\" prefix)."
  }
}

variable "environment" {
  description = "GitHub environment whose jobs may also assume the role (sub \"repo:<repository>:environment:<environment>\"); null for none."
  type        = string
  default     = null

  validation {
    condition     = var.environment == null || can(regex("^[A-Za-z0-9._-]{1,255}$", var.environment))
    error_message = "environment must be null or a GitHub environment name (letters, digits, \".\", \"_\", \"-\")."
  }
}

variable "trust_branch" {
  description = "Also trust jobs on `branch` that name no GitHub environment (sub \"repo:<repository>:ref:refs/heads/<branch>\"). Set false when every job that deploys runs in `environment`: then the environment's protection rules (deployment branches, required reviewers) cannot be skipped by a job that names none."
  type        = bool
  default     = true

  validation {
    condition     = var.trust_branch || var.environment != null
    error_message = "With trust_branch = false the role trusts only `environment`: set it."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC identity provider. An account has at most one per URL: set false in the second environment of a shared account and pass oidc_provider_arn."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com identity provider (when create_oidc_provider is false)."
  type        = string
  default     = null

  validation {
    condition     = var.create_oidc_provider || can(regex("^arn:[a-z-]+:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com provider when create_oidc_provider is false."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the ECR repository the workflow pushes to."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN."
  }
}

variable "ecs_cluster_arn" {
  description = "ARN of the ECS cluster; null derives it from cluster_name in this account and region."
  type        = string
  default     = null

  validation {
    condition     = var.ecs_cluster_arn == null || can(regex("^arn:[a-z-]+:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]+$", var.ecs_cluster_arn))
    error_message = "ecs_cluster_arn must be null or an ECS cluster ARN."
  }
}

variable "cluster_name" {
  description = "Name of the ECS cluster; null derives it from ecs_cluster_arn."
  type        = string
  default     = null

  validation {
    condition     = var.cluster_name != null || var.ecs_cluster_arn != null
    error_message = "Give cluster_name or ecs_cluster_arn."
  }
}

variable "service_name" {
  description = "Name of the ECS service the workflow updates."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.service_name))
    error_message = "service_name must be an ECS service name."
  }
}

variable "task_family_prefix" {
  description = "Prefix of the app's task definition families (ecs_service's task_family_prefix output)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.task_family_prefix))
    error_message = "task_family_prefix must be letters, digits, \"_\" or \"-\"."
  }
}

variable "migrate_task_family" {
  description = "Family of the migration task definition the workflow runs before updating the service; null means \"<task_family_prefix>-migrate\"."
  type        = string
  default     = null
}

variable "task_role_arns" {
  description = "Task role ARNs the workflow may pass to ECS in new task definitions."
  type        = list(string)

  validation {
    condition     = alltrue([for arn in var.task_role_arns : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/", arn))])
    error_message = "task_role_arns must be IAM role ARNs (no wildcards)."
  }
}

variable "execution_role_arns" {
  description = "Task execution role ARNs the workflow may pass to ECS in new task definitions."
  type        = list(string)

  validation {
    condition     = length(var.execution_role_arns) >= 1 && alltrue([for arn in var.execution_role_arns : can(regex("^arn:[a-z-]+:iam::[0-9]{12}:role/", arn))])
    error_message = "execution_role_arns must hold at least one IAM role ARN (no wildcards): Fargate tasks always need an execution role."
  }
}

variable "log_group_arns" {
  description = "Log groups whose events the workflow may read (the migration task's output)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.log_group_arns : can(regex("^arn:[a-z-]+:logs:[a-z0-9-]+:[0-9]{12}:log-group:", arn))])
    error_message = "log_group_arns must be CloudWatch Logs log group ARNs."
  }
}

variable "max_session_duration" {
  description = "Longest session the workflow may hold, in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 900 && var.max_session_duration <= 3600
    error_message = "max_session_duration must be 900 to 3600 seconds: a deploy needs no more than an hour."
  }
}

variable "smoke_secret_arns" {
  description = "Secrets the deploy role may read: the smoke-test user's credentials (spendwise.ops.deploy signs in with them)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.smoke_secret_arns : can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", arn))])
    error_message = "smoke_secret_arns must be Secrets Manager secret ARNs."
  }
}

variable "smoke_secret_kms_key_arns" {
  description = "KMS keys encrypting smoke_secret_arns; the deploy role may decrypt with them through Secrets Manager only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.smoke_secret_kms_key_arns : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "smoke_secret_kms_key_arns must be KMS key ARNs."
  }
}

# --- Terraform roles (infra.yml): plan on pull requests, apply from the environment ------------

variable "create_terraform_roles" {
  description = "Create the terraform plan role (pull requests, read-only) and the terraform apply role (jobs in `terraform_apply_environment`, administrator)."
  type        = bool
  default     = false
}

variable "terraform_state_bucket_arn" {
  description = "ARN of the state bucket (infra/bootstrap's state_bucket_name as arn:aws:s3:::<name>); required with create_terraform_roles."
  type        = string
  default     = null

  validation {
    condition     = !var.create_terraform_roles || can(regex("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.terraform_state_bucket_arn))
    error_message = "terraform_state_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::<bucket>) when create_terraform_roles is true."
  }
}

variable "terraform_state_key" {
  description = "Key of this environment's state object in the bucket, e.g. \"spendwise/dev/terraform.tfstate\"; the plan role may read it and write only its lock file (<key>.tflock)."
  type        = string
  default     = null

  validation {
    condition     = !var.create_terraform_roles || can(regex("^[A-Za-z0-9!_.*'()/-]+\\.tfstate$", var.terraform_state_key))
    error_message = "terraform_state_key must be the state object's key, ending in .tfstate, when create_terraform_roles is true."
  }
}

variable "terraform_state_kms_key_arn" {
  description = "KMS key encrypting the state bucket (infra/bootstrap's state_kms_key_arn); required with create_terraform_roles."
  type        = string
  default     = null

  validation {
    condition     = !var.create_terraform_roles || can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.terraform_state_kms_key_arn))
    error_message = "terraform_state_kms_key_arn must be a KMS key ARN when create_terraform_roles is true."
  }
}

variable "terraform_apply_environment" {
  description = "GitHub environment whose jobs may assume the apply role (sub \"repo:<repository>:environment:<name>\"); null means `environment`. Restrict the environment's deployment branches to `branch` in GitHub."
  type        = string
  default     = null

  validation {
    condition     = var.terraform_apply_environment == null || can(regex("^[A-Za-z0-9._-]{1,255}$", var.terraform_apply_environment))
    error_message = "terraform_apply_environment must be null or a GitHub environment name."
  }

  validation {
    condition     = !var.create_terraform_roles || var.terraform_apply_environment != null || var.environment != null
    error_message = "The apply role trusts a GitHub environment only: set terraform_apply_environment or environment."
  }
}

variable "terraform_plan_secret_arns" {
  description = "Secrets whose values Terraform manages (aws_secretsmanager_secret_version), which a plan refreshes with GetSecretValue. The state holds the same values."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_plan_secret_arns : can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", arn))])
    error_message = "terraform_plan_secret_arns must be Secrets Manager secret ARNs."
  }
}

variable "terraform_plan_kms_key_arns" {
  description = "KMS keys of terraform_plan_secret_arns; the plan role may decrypt with them through Secrets Manager only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_plan_kms_key_arns : can(regex("^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "terraform_plan_kms_key_arns must be KMS key ARNs."
  }
}

variable "terraform_plan_denied_bucket_arns" {
  description = "Buckets holding user data (receipts, exports) whose objects the plan role may not read, although ReadOnlyAccess would allow it."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.terraform_plan_denied_bucket_arns : can(regex("^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", arn))])
    error_message = "terraform_plan_denied_bucket_arns must be S3 bucket ARNs (arn:aws:s3:::<bucket>)."
  }
}
