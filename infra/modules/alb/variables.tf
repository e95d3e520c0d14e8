variable "name" {
  description = "Resource name prefix, e.g. \"spendwise-dev\"."
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

variable "vpc_id" {
  description = "VPC of the load balancer and its target group."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id (vpc-...)."
  }
}

variable "vpc_cidr" {
  description = "VPC CIDR; the ALB may only send traffic to container_port inside it."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^[0-9.]+/[0-9]+$", var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR block, e.g. 10.20.0.0/16."
  }
}

variable "public_subnet_ids" {
  description = "Public subnets, one per AZ (an ALB needs at least two AZs)."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "public_subnet_ids needs at least two subnets in different AZs."
  }
}

variable "certificate_arn" {
  description = "Regional ACM certificate ARN for origin_domain_name (the HTTPS listener's certificate)."
  type        = string

  validation {
    condition     = startswith(var.certificate_arn, "arn:")
    error_message = "certificate_arn must be an ARN (arn:...)."
  }
}

variable "origin_verify_secret_arn" {
  description = "Secrets Manager secret ARN holding the origin header value; recorded on the listener rule so an operator rotating it knows where it lives."
  type        = string
  default     = null

  validation {
    condition     = var.origin_verify_secret_arn == null || startswith(coalesce(var.origin_verify_secret_arn, "-"), "arn:")
    error_message = "origin_verify_secret_arn must be null or a Secrets Manager ARN (arn:...)."
  }
}

variable "origin_verify_header_value" {
  description = "Value CloudFront sends in X-Origin-Verify; requests without it get 403."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.origin_verify_header_value) >= 16
    error_message = "origin_verify_header_value must be at least 16 characters: it is the only proof a request came through CloudFront."
  }
}

variable "cloudfront_prefix_list_id" {
  description = "Override for the CloudFront origin-facing managed prefix list id; null looks it up (com.amazonaws.global.cloudfront.origin-facing)."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_prefix_list_id == null || can(regex("^pl-[0-9a-f]+$", coalesce(var.cloudfront_prefix_list_id, "-")))
    error_message = "cloudfront_prefix_list_id must be null or a prefix list id (pl-...)."
  }
}

variable "health_check_path" {
  description = "Target group health check path (liveness: must not depend on the database)."
  type        = string
  default     = "/healthz"

  validation {
    condition     = can(regex("^/[A-Za-z0-9/._-]*$", var.health_check_path))
    error_message = "health_check_path must be an absolute path, e.g. /healthz."
  }
}

variable "container_port" {
  description = "Port the app listens on inside the task."
  type        = number
  default     = 8000

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535
    error_message = "container_port must be 1024-65535 (the container runs as a non-root user)."
  }
}

variable "deletion_protection" {
  description = "Enable ALB deletion protection (on in prod)."
  type        = bool
  default     = true
}

variable "access_logs_bucket_force_destroy" {
  description = "Allow destroying the access-log bucket while it holds logs (dev teardown and tests only)."
  type        = bool
  default     = false
}

variable "access_logs_expiration_days" {
  description = "Days ALB access logs are kept."
  type        = number
  default     = 90

  validation {
    condition     = var.access_logs_expiration_days >= 1
    error_message = "access_logs_expiration_days must be at least 1."
  }
}

variable "idle_timeout" {
  description = "ALB idle timeout in seconds."
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000
    error_message = "idle_timeout must be 1-4000 seconds."
  }
}

variable "ssl_policy" {
  description = "HTTPS listener security policy (TLS 1.2 minimum)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)", var.ssl_policy))
    error_message = "ssl_policy must be an ELB policy with TLS 1.2 or newer as the minimum (ELBSecurityPolicy-TLS13-1-2-*, -TLS13-1-3-*, -TLS-1-2-*, -FS-1-2-*)."
  }
}
