terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
      # CloudFront only accepts ACM certificates and WAF web ACLs from us-east-1.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
