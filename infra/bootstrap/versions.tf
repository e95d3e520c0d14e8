terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # No backend block: this root creates the bucket every other root keeps its state in, so its
  # own state is local (README.md explains how to keep it and how to recover without it).
}
