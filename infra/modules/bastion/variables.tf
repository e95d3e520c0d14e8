variable "name" {
  description = "Prefix for resource names, e.g. \"spendwise-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 characters of lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Tags for every taggable resource (the provider's default_tags add to these)."
  type        = map(string)
  default     = {}
}

variable "enabled" {
  description = "Create the bastion. Off by default; turn it on only while someone needs the database."
  type        = bool
  default     = false
}

variable "vpc_id" {
  description = "ID of the VPC the bastion's security group is created in."
  type        = string
}

variable "subnet_id" {
  description = "ID of a private subnet for the bastion (it gets no public IP; Session Manager reaches it)."
  type        = string
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC: the bastion may reach HTTPS (VPC endpoints) and PostgreSQL only inside it."
  type        = string

  validation {
    condition     = can(regex("^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$", var.vpc_cidr)) && can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a valid IPv4 CIDR, e.g. \"10.20.0.0/16\"."
  }
}

variable "allow_internet_egress" {
  description = "Also allow HTTPS to 0.0.0.0/0, needed to reach Session Manager through a NAT gateway when the VPC has no SSM endpoints. Set it to enable_nat_gateway."
  type        = bool
  default     = false
}

variable "instance_type" {
  description = "EC2 instance type. Must match the AMI's architecture (the default AMI is arm64, so a Graviton type)."
  type        = string
  default     = "t4g.nano"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "instance_type must look like an EC2 instance type, e.g. \"t4g.nano\"."
  }
}

variable "ami_ssm_parameter" {
  description = "Public SSM parameter holding the AMI ID; Amazon Linux ships the SSM agent preinstalled."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"

  validation {
    condition     = startswith(var.ami_ssm_parameter, "/")
    error_message = "ami_ssm_parameter must be an SSM parameter path starting with \"/\"."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN encrypting the root volume. Null: the account's default EBS key (aws/ebs)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:...)."
  }
}
