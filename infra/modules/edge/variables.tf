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

variable "domain_name" {
  description = "Public hostname of the app, served by CloudFront, e.g. \"app.example.com\"."
  type        = string

  validation {
    condition     = length(var.domain_name) <= 253 && can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be a lowercase hostname with at least two labels, e.g. \"app.example.com\"."
  }
}

variable "origin_domain_name" {
  description = "Hostname CloudFront uses to reach the ALB, e.g. \"origin.app.example.com\"; it must resolve to the ALB and match the ALB's regional certificate."
  type        = string

  validation {
    condition     = length(var.origin_domain_name) <= 253 && can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.origin_domain_name))
    error_message = "origin_domain_name must be a lowercase hostname with at least two labels, e.g. \"origin.app.example.com\"."
  }

  validation {
    condition     = var.origin_domain_name != var.domain_name
    error_message = "origin_domain_name must differ from domain_name: CloudFront would otherwise fetch from itself."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 hosted zone of domain_name. When set, the module writes the certificate validation record and the alias records (domain_name -> CloudFront, origin_domain_name -> ALB); when null the operator creates them by hand from the outputs."
  type        = string
  default     = null

  validation {
    condition     = var.hosted_zone_id == null || can(regex("^Z[A-Z0-9]{1,31}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be null or a Route 53 zone id such as \"Z0123456789ABCDEFGHIJ\"."
  }
}

variable "alb_dns_name" {
  description = "DNS name of the ALB, target of the origin_domain_name alias record (needed when hosted_zone_id is set)."
  type        = string
  default     = null

  validation {
    condition     = var.hosted_zone_id == null || var.alb_dns_name != null
    error_message = "alb_dns_name is required when hosted_zone_id is set (the origin alias record points at the ALB)."
  }
}

variable "alb_zone_id" {
  description = "Canonical hosted zone id of the ALB (needed when hosted_zone_id is set)."
  type        = string
  default     = null

  validation {
    condition     = var.hosted_zone_id == null || var.alb_zone_id != null
    error_message = "alb_zone_id is required when hosted_zone_id is set (the origin alias record points at the ALB)."
  }
}

variable "origin_verify_header_value" {
  description = "Shared secret CloudFront sends to the ALB in the X-Origin-Verify header; the ALB forwards only requests that carry it."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.origin_verify_header_value) >= 32
    error_message = "origin_verify_header_value must be at least 32 characters: it is the only thing that keeps the ALB private to CloudFront."
  }
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100 (North America, Europe), PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "enable_waf" {
  description = "Attach a WAF web ACL (managed rule groups + rate limit) to the distribution."
  type        = bool
  default     = true
}

variable "waf_rate_limit" {
  description = "Requests one client IP may send in any 5-minute window before WAF blocks it."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit >= 100 && var.waf_rate_limit <= 2000000 && floor(var.waf_rate_limit) == var.waf_rate_limit
    error_message = "waf_rate_limit must be a whole number from 100 to 2000000 (WAF's limits for a rate-based rule)."
  }
}

variable "enable_bot_control" {
  description = "Add the AWS Bot Control managed rule group (common inspection level; billed per request)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "Days WAF logs (CloudWatch) and CloudFront access logs (S3) are kept."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "Optional KMS key in us-east-1 for the WAF log group; null keeps CloudWatch Logs' default encryption (the app's key lives in the app's region and cannot be used here)."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:us-east-1:[0-9]{12}:key/", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be null or the ARN of a KMS key in us-east-1."
  }
}

variable "logs_bucket_force_destroy" {
  description = "Let Terraform delete the CloudFront logs bucket even when it holds logs (dev teardown and tests only)."
  type        = bool
  default     = false
}
