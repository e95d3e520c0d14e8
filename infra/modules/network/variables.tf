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

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC, /16 to /24, written with its network address (10.20.0.0/16, not 10.20.1.0/16)."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition = (
      can(regex("^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$", var.vpc_cidr))
      && can(cidrhost(var.vpc_cidr, 0))
      && try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0], false)
    )
    error_message = "vpc_cidr must be a valid IPv4 CIDR written with its network address, e.g. \"10.20.0.0/16\"."
  }

  validation {
    condition     = try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, false)
    error_message = "vpc_cidr must have a prefix length between /16 and /24."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread the subnets over (2 or 3)."
  type        = number
  default     = 2

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3 && floor(var.az_count) == var.az_count
    error_message = "az_count must be 2 or 3: one AZ gives no redundancy (and RDS subnet groups need two)."
  }
}

variable "enable_nat_gateway" {
  description = "Create NAT gateway(s) so private subnets reach the internet. Off by default: the VPC endpoints cover the AWS APIs the app needs."
  type        = bool
  default     = false
}

variable "single_nat_gateway" {
  description = "With enable_nat_gateway, one shared NAT gateway (cheaper) instead of one per AZ (survives an AZ outage)."
  type        = bool
  default     = true
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow-log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be one of CloudWatch Logs' values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN encrypting the flow-log group (its key policy must allow CloudWatch Logs). Null: CloudWatch's own encryption."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:...)."
  }
}

variable "peer_cidrs" {
  description = "IPv4 CIDRs this VPC must not overlap (VPN, office, peered VPCs), so it can be connected to them later."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for cidr in var.peer_cidrs : can(regex("^\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}$", cidr)) && can(cidrhost(cidr, 0))])
    error_message = "Every peer_cidrs entry must be a valid IPv4 CIDR, e.g. \"192.168.0.0/16\"."
  }

  # Two CIDRs overlap iff their network addresses match once both are cut to the shorter prefix.
  # An invalid vpc_cidr or entry is reported by its own validation, so it passes here.
  validation {
    condition = alltrue([
      for cidr in var.peer_cidrs : try(
        cidrhost("${split("/", cidr)[0]}/${min(tonumber(split("/", cidr)[1]), tonumber(split("/", var.vpc_cidr)[1]))}", 0)
        != cidrhost("${split("/", var.vpc_cidr)[0]}/${min(tonumber(split("/", cidr)[1]), tonumber(split("/", var.vpc_cidr)[1]))}", 0),
        true
      )
    ])
    error_message = "vpc_cidr overlaps an entry of peer_cidrs: pick a VPC range that is disjoint from every peer range."
  }
}
