terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Partial configuration: bucket, region and kms_key_id come from backend.hcl (written from
  # infra/bootstrap's output), so no account-specific value lives in git.
  #   terraform init -backend-config=backend.hcl
  # use_lockfile: S3-native state locking (Terraform >= 1.10), no DynamoDB table.
  backend "s3" {
    key          = "spendwise/dev/terraform.tfstate"
    use_lockfile = true
    encrypt      = true
  }
}
