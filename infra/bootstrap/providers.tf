provider "aws" {
  region = var.aws_region

  default_tags {
    tags = {
      Project     = "spendwise"
      Environment = "shared"
      ManagedBy   = "terraform"
      Component   = "terraform-state"
    }
  }
}
