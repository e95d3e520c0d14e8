variable "aws_region" {
  description = "Region of the state bucket (usually the region of the environments)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be an AWS region name such as \"eu-west-1\"."
  }
}

variable "name_prefix" {
  description = "Prefix of the bucket and key names."
  type        = string
  default     = "spendwise"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2-21 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "noncurrent_version_days" {
  description = "Days an overwritten state version is kept (every apply writes one), for rolling back a bad state."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_days >= 30
    error_message = "noncurrent_version_days must be at least 30: old state versions are the only undo of a bad apply."
  }
}

variable "access_log_days" {
  description = "Days the state bucket's access logs are kept."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_days >= 90
    error_message = "access_log_days must be at least 90."
  }
}

variable "tags" {
  description = "Extra tags for the key and buckets (the provider also sets default_tags)."
  type        = map(string)
  default     = {}
}
