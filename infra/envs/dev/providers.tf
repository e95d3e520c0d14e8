locals {
  default_tags = {
    Project     = "spendwise"
    Environment = "dev"
    ManagedBy   = "terraform"
    Repository  = var.github_repository
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = local.default_tags
  }
}

# CloudFront's certificate, its WAF web ACL and their logs must live in us-east-1.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}
