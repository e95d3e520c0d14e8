terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
      # CloudFront only accepts certificates and WAF web ACLs from us-east-1: the edge module's
      # resources go through this alias, whatever region the rest of the stack lives in.
      configuration_aliases = [aws.us_east_1]
    }
  }
}
