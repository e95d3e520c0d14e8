# The dev environment: one call of the composition. Everything that differs between dev and
# prod is a variable (terraform.tfvars); the shape of the deployment is the same.
module "stack" {
  source = "../../modules/stack"

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  environment = "dev"
  name_prefix = var.name_prefix
  aws_region  = var.aws_region

  domain_name         = var.domain_name
  origin_domain_name  = var.origin_domain_name
  hosted_zone_id      = var.hosted_zone_id
  alb_certificate_arn = var.alb_certificate_arn

  alarm_emails       = var.alarm_emails
  monthly_budget_usd = var.monthly_budget_usd
  enable_budget      = var.enable_budget

  github_repository        = var.github_repository
  github_branch            = var.github_branch
  enable_github_oidc       = var.enable_github_oidc
  github_oidc_provider_arn = var.github_oidc_provider_arn

  terraform_state_bucket      = var.terraform_state_bucket
  terraform_state_kms_key_arn = var.terraform_state_kms_key_arn
  image_tag                   = var.image_tag

  vpc_cidr           = var.vpc_cidr
  peer_cidrs         = var.peer_cidrs
  az_count           = var.az_count
  enable_nat_gateway = var.enable_nat_gateway
  single_nat_gateway = var.single_nat_gateway
  enable_bastion     = var.enable_bastion

  enable_edge               = var.enable_edge
  enable_waf                = var.enable_waf
  waf_rate_limit            = var.waf_rate_limit
  cloudfront_prefix_list_id = var.cloudfront_prefix_list_id
  alb_deletion_protection   = var.alb_deletion_protection

  task_cpu            = var.task_cpu
  task_memory         = var.task_memory
  desired_count       = var.desired_count
  min_tasks           = var.min_tasks
  max_tasks           = var.max_tasks
  cpu_target_percent  = var.cpu_target_percent
  requests_per_target = var.requests_per_target
  app_environment     = var.app_environment

  db_instance_class        = var.db_instance_class
  db_engine_version        = var.db_engine_version
  db_allocated_storage     = var.db_allocated_storage
  db_max_allocated_storage = var.db_max_allocated_storage
  db_multi_az              = var.db_multi_az
  db_backup_retention_days = var.db_backup_retention_days
  db_deletion_protection   = var.db_deletion_protection
  db_skip_final_snapshot   = var.db_skip_final_snapshot

  lambda_zip_path = var.lambda_zip_path
  cognito_mfa     = var.cognito_mfa

  cognito_ses_identity_arn   = var.cognito_ses_identity_arn
  cognito_from_email_address = var.cognito_from_email_address

  log_retention_days = var.log_retention_days
  force_destroy      = var.force_destroy
}
