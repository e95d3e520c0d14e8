variable "name" {
  description = "Resource name prefix, e.g. \"spendwise-dev\" (cluster name; task families are <name>-web, -migrate, -scheduled)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must match ^[a-z][a-z0-9-]{1,30}$ (lower case, starts with a letter, 2-31 characters)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource."
  type        = map(string)
  default     = {}
}

# --- Network and load balancer -----------------------------------------------------------------

variable "vpc_id" {
  description = "VPC of the tasks."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "vpc_cidr" {
  description = "VPC CIDR (egress to the interface endpoints and the database). null uses the CIDR looked up from vpc_id."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_cidr == null || can(cidrhost(coalesce(var.vpc_cidr, "-"), 0))
    error_message = "vpc_cidr must be null or an IPv4 CIDR block, e.g. 10.20.0.0/16."
  }
}

variable "private_subnet_ids" {
  description = "Private subnets for the service and the one-off/scheduled tasks."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 1
    error_message = "private_subnet_ids needs at least one subnet (two AZs for production)."
  }
}

variable "s3_prefix_list_id" {
  description = "Prefix list id of the S3 gateway endpoint (ECR image layers and the files bucket). null uses the looked-up com.amazonaws.<region>.s3 list."
  type        = string
  default     = null

  validation {
    condition     = var.s3_prefix_list_id == null || can(regex("^pl-[0-9a-f]+$", coalesce(var.s3_prefix_list_id, "-")))
    error_message = "s3_prefix_list_id must be null or a prefix list id (pl-...)."
  }
}

variable "allow_internet_egress" {
  description = "Allow HTTPS egress to 0.0.0.0/0 (only useful with a NAT gateway, for AWS APIs without an endpoint)."
  type        = bool
  default     = false
}

variable "alb_security_group_id" {
  description = "ALB security group: the only source allowed to reach container_port."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]+$", var.alb_security_group_id))
    error_message = "alb_security_group_id must be a security group id (sg-...)."
  }
}

variable "target_group_arn" {
  description = "ALB target group the web service registers in."
  type        = string

  validation {
    condition     = startswith(var.target_group_arn, "arn:")
    error_message = "target_group_arn must be an ARN (arn:...)."
  }
}

variable "alb_arn_suffix" {
  description = "ALB ARN suffix (app/<name>/<id>), for the requests-per-target scaling metric."
  type        = string

  validation {
    condition     = startswith(var.alb_arn_suffix, "app/")
    error_message = "alb_arn_suffix must be an ALB ARN suffix (app/<name>/<id>)."
  }
}

variable "target_group_arn_suffix" {
  description = "Target group ARN suffix (targetgroup/<name>/<id>), for the requests-per-target scaling metric."
  type        = string

  validation {
    condition     = startswith(var.target_group_arn_suffix, "targetgroup/")
    error_message = "target_group_arn_suffix must be a target group ARN suffix (targetgroup/<name>/<id>)."
  }
}

# --- Container ---------------------------------------------------------------------------------

variable "image" {
  description = "Full image URI with an immutable tag or digest, e.g. <account>.dkr.ecr.<region>.amazonaws.com/spendwise-dev:1.4.2."
  type        = string

  validation {
    condition = (
      can(regex("^\\S+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$", var.image)) &&
      !endswith(var.image, ":latest")
    )
    error_message = "image must be \"repository:tag\" (or repository@sha256:digest) and the tag must not be \"latest\": deployments must name an exact, immutable image."
  }
}

variable "ecr_repository_arn" {
  description = "ECR repository the execution role may pull from. null derives it from an ECR image URI."
  type        = string
  default     = null

  validation {
    condition     = var.ecr_repository_arn == null || can(regex("^arn:aws[a-z-]*:ecr:", coalesce(var.ecr_repository_arn, "-")))
    error_message = "ecr_repository_arn must be null or an ECR repository ARN."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for (X86_64 or ARM64)."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "container_port" {
  description = "Port the app listens on."
  type        = number
  default     = 8000

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be 1024-65535 (the container runs as a non-root user)."
  }
}

variable "environment" {
  description = "Plain environment variables for every task (name -> value). Never put secrets here."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Secret environment variables (name -> Secrets Manager ARN, or \"<arn>:<json key>::\")."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.secrets) : startswith(v, "arn:")])
    error_message = "Every secrets value must be a Secrets Manager or SSM parameter ARN (arn:...)."
  }

  validation {
    condition     = length(setintersection(keys(var.secrets), keys(var.environment))) == 0
    error_message = "A variable may be in environment or in secrets, not both."
  }
}

variable "secret_arns" {
  description = "Secret ARNs the execution role may read (the secrets referenced by var.secrets)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.secret_arns : startswith(v, "arn:")])
    error_message = "secret_arns must be ARNs."
  }
}

variable "kms_key_arns" {
  description = "KMS keys the execution role may use to decrypt secret_arns."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for v in var.kms_key_arns : startswith(v, "arn:")])
    error_message = "kms_key_arns must be KMS key ARNs."
  }
}

variable "task_role_policy_json" {
  description = "Extra IAM policy JSON for the app's task role (files bucket, DB secret read, ...). null adds nothing."
  type        = string
  default     = null
}

# --- Sizing and scaling -----------------------------------------------------------------------

variable "cpu" {
  description = "Task CPU units (Fargate: 256, 512, 1024, 2048, 4096)."
  type        = number
  default     = 512

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be one of Fargate's sizes: 256, 512, 1024, 2048, 4096."
  }
}

variable "memory" {
  description = "Task memory in MiB; must be a Fargate combination for cpu."
  type        = number
  default     = 1024

  validation {
    condition = contains(lookup({
      256  = [512, 1024, 2048]
      512  = [1024, 2048, 3072, 4096]
      1024 = [2048, 3072, 4096, 5120, 6144, 7168, 8192]
      2048 = [for gb in range(4, 17) : gb * 1024]
      4096 = [for gb in range(8, 31) : gb * 1024]
    }, var.cpu, []), var.memory)
    error_message = "memory must be a valid Fargate value for the cpu (256: 512-2048; 512: 1024-4096; 1024: 2048-8192; 2048: 4096-16384; 4096: 8192-30720, in 1024 steps)."
  }
}

variable "desired_count" {
  description = "Initial number of web tasks (autoscaling owns it afterwards)."
  type        = number
  default     = 2

  validation {
    # When max < min that variable's own check reports it; do not blame desired_count too.
    condition     = var.max_count < var.min_count || (var.desired_count >= var.min_count && var.desired_count <= var.max_count)
    error_message = "desired_count must be between min_count and max_count."
  }
}

variable "min_count" {
  description = "Autoscaling minimum number of web tasks."
  type        = number
  default     = 2

  validation {
    condition     = var.min_count >= 1 && floor(var.min_count) == var.min_count
    error_message = "min_count must be a whole number of at least 1."
  }
}

variable "max_count" {
  description = "Autoscaling maximum number of web tasks."
  type        = number
  default     = 6

  validation {
    condition     = var.max_count >= var.min_count && floor(var.max_count) == var.max_count
    error_message = "max_count must be a whole number greater than or equal to min_count."
  }
}

variable "cpu_target_percent" {
  description = "Target average CPU utilisation of the service, in percent."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 10 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be 10-90."
  }
}

variable "requests_per_target" {
  description = "Target ALB requests per task per minute (ALBRequestCountPerTarget)."
  type        = number
  default     = 300

  validation {
    condition     = var.requests_per_target > 0
    error_message = "requests_per_target must be greater than 0."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds ALB health checks are ignored after a task starts."
  type        = number
  default     = 60

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 2147483647
    error_message = "health_check_grace_period_seconds must be 0 or more."
  }
}

# --- Logs, schedule, cluster ------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the task log group, in days (a CloudWatch-allowed value)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (never 0 = forever)."
  }
}

variable "log_kms_key_arn" {
  description = "KMS key ARN encrypting the log group (its key policy must allow CloudWatch Logs). null uses CloudWatch's default encryption."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", coalesce(var.log_kms_key_arn, "-")))
    error_message = "log_kms_key_arn must be null or a KMS key ARN."
  }
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression for the run-scheduled job."
  type        = string
  default     = "rate(15 minutes)"

  validation {
    condition     = can(regex("^(rate|cron|at)\\(.+\\)$", var.schedule_expression))
    error_message = "schedule_expression must be rate(...), cron(...) or at(...)."
  }
}

variable "schedule_timezone" {
  description = "Time zone for cron() schedule expressions."
  type        = string
  default     = "UTC"
}

variable "enable_container_insights" {
  description = "Enable CloudWatch Container Insights on the cluster."
  type        = bool
  default     = true
}
