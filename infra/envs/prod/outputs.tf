# The stack's outputs, unchanged: scripts (scripts/db-tunnel, the deploy workflow) read them
# with `terraform output`.

output "name" {
  description = "Prefix of every resource name (\"<name_prefix>-<environment>\")."
  value       = module.stack.name
}

output "aws_region" {
  description = "Region the stack runs in."
  value       = module.stack.aws_region
}

output "alb_dns_name" {
  description = "DNS name of the ALB; origin_domain_name must resolve to it (alias record)."
  value       = module.stack.alb_dns_name
}

output "alb_zone_id" {
  description = "Route 53 zone id of the ALB, for an alias record made outside Terraform."
  value       = module.stack.alb_zone_id
}

output "cloudfront_domain_name" {
  description = "CloudFront domain; domain_name must resolve to it (alias or CNAME). Null without the edge."
  value       = module.stack.cloudfront_domain_name
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution id (cache invalidations). Null without the edge."
  value       = module.stack.cloudfront_distribution_id
}

output "ecr_repository_url" {
  description = "Where to push the app image (docker push <url>:<tag>)."
  value       = module.stack.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.stack.cluster_name
}

output "service_name" {
  description = "ECS service running the web tasks."
  value       = module.stack.service_name
}

output "migrate_task_definition_arn" {
  description = "Task definition that runs `migrate` as a one-off task (docs/deploy.md)."
  value       = module.stack.migrate_task_definition_arn
}

output "app_security_group_id" {
  description = "Security group of the app tasks; a one-off migrate task runs with it."
  value       = module.stack.app_security_group_id
}

output "private_subnet_ids" {
  description = "Private subnets of the app tasks; a one-off migrate task runs in them."
  value       = module.stack.private_subnet_ids
}

output "app_log_group_name" {
  description = "CloudWatch log group of the web, migrate and scheduled tasks."
  value       = module.stack.app_log_group_name
}

output "files_bucket_name" {
  description = "S3 bucket of receipts and exports."
  value       = module.stack.files_bucket_name
}

output "db_address" {
  description = "Host name of the PostgreSQL instance (private)."
  value       = module.stack.db_address
}

output "db_port" {
  description = "PostgreSQL port."
  value       = module.stack.db_port
}

output "db_name" {
  description = "Database name."
  value       = module.stack.db_name
}

output "db_instance_id" {
  description = "RDS instance identifier."
  value       = module.stack.db_instance_id
}

output "db_secret_arn" {
  description = "RDS-managed secret holding the master user name and password."
  value       = module.stack.db_secret_arn
}

output "user_pool_id" {
  description = "Cognito user pool id (COGNITO_USER_POOL_ID)."
  value       = module.stack.user_pool_id
}

output "app_client_id" {
  description = "Cognito app client id (COGNITO_CLIENT_ID)."
  value       = module.stack.app_client_id
}

output "bastion_instance_id" {
  description = "SSM target for scripts/db-tunnel; null when the bastion is disabled."
  value       = module.stack.bastion_instance_id
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes through OIDC (jobs in the GitHub environment named after the environment); null when disabled."
  value       = module.stack.deploy_role_arn
}

output "terraform_plan_role_arn" {
  description = "Role the infra workflow's pull-request plan assumes (read-only); null without terraform_state_bucket or enable_github_oidc."
  value       = module.stack.terraform_plan_role_arn
}

output "terraform_apply_role_arn" {
  description = "Role the infra workflow's apply assumes (jobs in the GitHub environment; AdministratorAccess); null without terraform_state_bucket or enable_github_oidc."
  value       = module.stack.terraform_apply_role_arn
}

output "site_url" {
  description = "https://<domain_name>: what users open, and where the deploy smoke test signs in."
  value       = module.stack.site_url
}

output "smoke_user_secret_arn" {
  description = "Secret holding the smoke-test user's {\"email\", \"password\", \"name\"}; the operator puts the value (docs/delivery.md)."
  value       = module.stack.smoke_user_secret_arn
}

output "task_family_prefix" {
  description = "Task definition families are <prefix>-web, <prefix>-migrate and <prefix>-scheduled."
  value       = module.stack.task_family_prefix
}

output "container_name" {
  description = "Name of the app container in every task definition."
  value       = module.stack.container_name
}

output "certificate_validation_records" {
  description = "DNS records (name, type, value) that validate the ACM certificates; add them when hosted_zone_id is null."
  value       = module.stack.certificate_validation_records
}

output "sns_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.stack.sns_topic_arn
}
