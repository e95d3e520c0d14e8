output "role_arn" {
  description = "ARN of the deploy role (role-to-assume in aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.deploy.arn
}

output "role_name" {
  description = "Name of the deploy role."
  value       = aws_iam_role.deploy.name
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC identity provider the role trusts (created here or passed in)."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the terraform plan role (pull requests, read-only); null without create_terraform_roles."
  value       = one(aws_iam_role.plan[*].arn)
}

output "apply_role_arn" {
  description = "ARN of the terraform apply role (jobs in the apply environment, administrator); null without create_terraform_roles."
  value       = one(aws_iam_role.apply[*].arn)
}

output "trusted_subjects" {
  description = "The OIDC subjects the deploy role trusts (what the workflow's job must present)."
  value       = local.trusted_subjects
}
