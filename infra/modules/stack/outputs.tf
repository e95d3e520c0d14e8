output "name" {
  description = "Prefix of every resource name (\"<name_prefix>-<environment>\")."
  value       = local.name
}

output "aws_region" {
  description = "Region the stack runs in."
  value       = data.aws_region.current.name
}

output "alb_dns_name" {
  description = "DNS name of the ALB; origin_domain_name must resolve to it (alias record)."
  value       = module.alb.alb_dns_name
}

output "alb_zone_id" {
  description = "Route 53 zone id of the ALB, for an alias record made outside Terraform."
  value       = module.alb.alb_zone_id
}

output "cloudfront_domain_name" {
  description = "CloudFront domain; domain_name must resolve to it (alias or CNAME). Null without the edge."
  value       = one(module.edge[*].distribution_domain_name)
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution id (cache invalidations). Null without the edge."
  value       = one(module.edge[*].distribution_id)
}

output "ecr_repository_url" {
  description = "Where to push the app image (docker push <url>:<tag>)."
  value       = module.ecr.repository_url
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.ecs_service.cluster_name
}

output "service_name" {
  description = "ECS service running the web tasks."
  value       = module.ecs_service.service_name
}

output "migrate_task_definition_arn" {
  description = "Task definition that runs `migrate` as a one-off task (docs/deploy.md)."
  value       = module.ecs_service.migrate_task_definition_arn
}

output "app_security_group_id" {
  description = "Security group of the app tasks; a one-off migrate task runs with it."
  value       = module.ecs_service.security_group_id
}

output "private_subnet_ids" {
  description = "Private subnets of the app tasks; a one-off migrate task runs in them."
  value       = module.network.private_subnet_ids
}

output "app_log_group_name" {
  description = "CloudWatch log group of the web, migrate and scheduled tasks."
  value       = module.ecs_service.log_group_name
}

output "files_bucket_name" {
  description = "S3 bucket of receipts and exports."
  value       = module.storage.bucket_name
}

output "db_address" {
  description = "Host name of the PostgreSQL instance (private)."
  value       = module.rds.address
}

output "db_port" {
  description = "PostgreSQL port."
  value       = module.rds.port
}

output "db_name" {
  description = "Database name."
  value       = module.rds.db_name
}

output "db_instance_id" {
  description = "RDS instance identifier."
  value       = module.rds.db_instance_id
}

output "db_secret_arn" {
  description = "RDS-managed secret holding the master user name and password."
  value       = module.rds.master_user_secret_arn
}

output "user_pool_id" {
  description = "Cognito user pool id (COGNITO_USER_POOL_ID)."
  value       = module.cognito.user_pool_id
}

output "app_client_id" {
  description = "Cognito app client id (COGNITO_CLIENT_ID)."
  value       = module.cognito.app_client_id
}

output "bastion_instance_id" {
  description = "SSM target for scripts/db-tunnel; null when the bastion is disabled."
  value       = module.bastion.instance_id
}

output "deploy_role_arn" {
  description = "Role the deploy workflow assumes through OIDC (jobs in the GitHub environment named after the environment); null when disabled."
  value       = one(module.github_oidc[*].role_arn)
}

output "terraform_plan_role_arn" {
  description = "Role the infra workflow's pull-request plan assumes (read-only); null without terraform_state_bucket or enable_github_oidc."
  value       = one(module.github_oidc[*].plan_role_arn)
}

output "terraform_apply_role_arn" {
  description = "Role the infra workflow's apply assumes (jobs in the GitHub environment; AdministratorAccess); null without terraform_state_bucket or enable_github_oidc."
  value       = one(module.github_oidc[*].apply_role_arn)
}

output "site_url" {
  description = "https://<domain_name>: what users open, and where the deploy smoke test signs in."
  value       = local.site_url
}

output "smoke_user_secret_arn" {
  description = "Secret holding the smoke-test user's {\"email\", \"password\", \"name\"}; the operator puts the value (docs/delivery.md)."
  value       = aws_secretsmanager_secret.smoke_user.arn
}

output "task_family_prefix" {
  description = "Task definition families are <prefix>-web, <prefix>-migrate and <prefix>-scheduled."
  value       = module.ecs_service.task_family_prefix
}

output "container_name" {
  description = "Name of the app container in every task definition."
  value       = module.ecs_service.container_name
}

output "certificate_validation_records" {
  description = "DNS records (name, type, value) that validate the ACM certificates; add them when hosted_zone_id is null."
  value = concat(
    [
      for o in flatten(aws_acm_certificate.origin[*].domain_validation_options) : {
        name  = o.resource_record_name
        type  = o.resource_record_type
        value = o.resource_record_value
      }
    ],
    flatten(module.edge[*].certificate_validation_records),
  )
}

output "sns_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.observability.sns_topic_arn
}
