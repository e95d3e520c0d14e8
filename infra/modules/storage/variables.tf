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

variable "kms_key_arn" {
  description = "ARN of the app CMK (secrets module) that encrypts the files (SSE-KMS with a bucket key)."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:…)."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete a bucket that still holds files (dev teardown and tests only)."
  type        = bool
  default     = false
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted file's old version is kept (recovery from a mistaken delete) before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 1 && floor(var.noncurrent_version_days) == var.noncurrent_version_days
    error_message = "noncurrent_version_days must be a whole number of days, at least 1."
  }
}
