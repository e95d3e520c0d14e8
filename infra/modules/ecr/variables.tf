variable "name" {
  description = "Resource name prefix and the repository name, e.g. \"spendwise-dev\"."
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

variable "image_tag_mutability" {
  description = "Tag mutability. Only IMMUTABLE is accepted: a deployed tag must always mean the same image."
  type        = string
  default     = "IMMUTABLE"

  validation {
    condition     = var.image_tag_mutability == "IMMUTABLE"
    error_message = "image_tag_mutability must be \"IMMUTABLE\": a mutable tag lets a push silently change what a running task definition deploys."
  }
}

variable "scan_on_push" {
  description = "Run ECR basic image scanning on every push."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "KMS key ARN for repository encryption. null creates a dedicated CMK with rotation (AES256 is never used)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:<partition>:kms:...)."
  }
}

variable "keep_images" {
  description = "How many tagged images to keep; older tagged images are expired."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_images >= 1 && var.keep_images <= 1000 && floor(var.keep_images) == var.keep_images
    error_message = "keep_images must be a whole number from 1 to 1000."
  }
}

variable "force_delete" {
  description = "Allow destroying the repository while it still holds images (dev teardown and tests only)."
  type        = bool
  default     = false
}
