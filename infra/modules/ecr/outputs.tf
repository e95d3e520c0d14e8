output "repository_url" {
  description = "Repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>), without a tag."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "Repository ARN, for pull/push policies."
  value       = aws_ecr_repository.this.arn
}

output "repository_name" {
  description = "Repository name."
  value       = aws_ecr_repository.this.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the repository (the created CMK or the one passed in)."
  value       = local.kms_key_arn
}
