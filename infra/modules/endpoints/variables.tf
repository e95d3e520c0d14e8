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

variable "vpc_id" {
  description = "ID of the VPC the endpoints are created in."
  type        = string

  validation {
    condition     = length(trimspace(var.vpc_id)) > 0
    error_message = "vpc_id must not be empty."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC: the only source allowed to reach the interface endpoints."
  type        = string

  validation {
    condition     = can(regex("^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$", var.vpc_cidr)) && can(cidrhost(var.vpc_cidr, 0))
    error_message = "vpc_cidr must be a valid IPv4 CIDR, e.g. \"10.20.0.0/16\"."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs (one per AZ) that get an interface endpoint ENI each."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1
    error_message = "subnet_ids must list at least one private subnet."
  }
}

variable "route_table_ids" {
  description = "Route table IDs (private and database) that get a route to the S3 gateway endpoint."
  type        = list(string)

  validation {
    condition     = length(var.route_table_ids) >= 1
    error_message = "route_table_ids must list at least one route table."
  }
}

variable "interface_services" {
  description = "AWS services reached through interface endpoints, as the last part of the service name (\"ecr.api\" for com.amazonaws.<region>.ecr.api)."
  type        = list(string)
  default     = ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "cognito-idp", "sts"]

  validation {
    condition     = alltrue([for s in var.interface_services : can(regex("^[a-z0-9][a-z0-9.-]*$", s)) && !strcontains(s, "amazonaws")])
    error_message = "interface_services entries must be service suffixes such as \"ecr.api\" or \"logs\", without the com.amazonaws.<region>. prefix."
  }

  validation {
    condition     = !contains(var.interface_services, "s3")
    error_message = "Leave \"s3\" out of interface_services: S3 is served by the (free) gateway endpoint this module always creates."
  }
}

variable "enable_ssm_endpoints" {
  description = "Add the ssm, ssmmessages and ec2messages endpoints the bastion needs to reach Session Manager when there is no NAT gateway."
  type        = bool
  default     = false
}
