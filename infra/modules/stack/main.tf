# SpendWise on AWS: wires every module into one deployment. The env roots (infra/envs/*) call
# only this module, so dev and prod differ in their variables, never in their shape.
#
#   viewer -> CloudFront + WAF (edge) -> ALB (public subnets, CloudFront-only) -> ECS tasks
#   (private subnets) -> RDS (database subnets); Cognito's PostConfirmation Lambda (private
#   subnets) -> RDS; AWS APIs through VPC endpoints, so no NAT is needed.

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  name = "${var.name_prefix}-${var.environment}"
  tags = merge(var.tags, { Environment = var.environment })

  # The ALB's certificate: the operator's, or the one requested below.
  request_origin_certificate = var.alb_certificate_arn == null
  alb_certificate_arn        = local.request_origin_certificate ? aws_acm_certificate_validation.origin[0].certificate_arn : var.alb_certificate_arn

  site_url = "https://${var.domain_name}"
}

# The provider decides where resources go; aws_region is what the app is told. They must agree.
check "region_matches_provider" {
  assert {
    condition     = data.aws_region.current.name == var.aws_region
    error_message = "aws_region (${var.aws_region}) is not the region of the aws provider (${data.aws_region.current.name}); the app would be configured for the wrong region."
  }
}

# --- Keys and the app secret ------------------------------------------------------------------

module "secrets" {
  source = "../secrets"

  name = local.name
  tags = local.tags
  # A teardown-able dev can reuse the secret's name at once; elsewhere a deleted secret can be
  # restored for 30 days.
  recovery_window_in_days = var.force_destroy ? 0 : 30
}

# --- Network ----------------------------------------------------------------------------------

module "network" {
  source = "../network"

  name                    = local.name
  tags                    = local.tags
  vpc_cidr                = var.vpc_cidr
  az_count                = var.az_count
  enable_nat_gateway      = var.enable_nat_gateway
  single_nat_gateway      = var.single_nat_gateway
  peer_cidrs              = var.peer_cidrs
  flow_log_retention_days = var.log_retention_days
  kms_key_arn             = module.secrets.kms_key_arn
}

module "endpoints" {
  source = "../endpoints"

  name            = local.name
  tags            = local.tags
  vpc_id          = module.network.vpc_id
  vpc_cidr        = module.network.vpc_cidr
  subnet_ids      = module.network.private_subnet_ids
  route_table_ids = concat(module.network.private_route_table_ids, module.network.database_route_table_ids)
  # Without NAT, the bastion's SSM agent can reach Systems Manager only through endpoints.
  enable_ssm_endpoints = var.enable_bastion && !var.enable_nat_gateway
}

# --- Images and files -------------------------------------------------------------------------

module "ecr" {
  source = "../ecr"

  name = local.name
  tags = local.tags
  # kms_key_arn left null: the module then creates the repository's key. Passing the app key
  # would make the module's count depend on a value unknown until apply.
  force_delete = var.force_destroy
}

module "storage" {
  source = "../storage"

  name          = local.name
  tags          = local.tags
  kms_key_arn   = module.secrets.kms_key_arn
  force_destroy = var.force_destroy
}

# --- Database ---------------------------------------------------------------------------------

module "rds" {
  source = "../rds"

  name                = local.name
  tags                = local.tags
  vpc_id              = module.network.vpc_id
  database_subnet_ids = module.network.database_subnet_ids
  # Only these reach PostgreSQL. Keys are static so for_each is known at plan time.
  allowed_security_group_ids = merge(
    {
      app    = module.ecs_service.security_group_id
      lambda = module.cognito.lambda_security_group_id
    },
    var.enable_bastion ? { bastion = module.bastion.security_group_id } : {},
  )
  engine_version        = var.db_engine_version
  instance_class        = var.db_instance_class
  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  multi_az              = var.db_multi_az
  backup_retention_days = var.db_backup_retention_days
  deletion_protection   = var.db_deletion_protection
  skip_final_snapshot   = var.db_skip_final_snapshot
  log_retention_days    = var.log_retention_days
  # kms_key_arn left null: the database and its managed secret get their own key, separate from
  # the app key that S3, logs and SNS share.
}

# --- Sign-in ----------------------------------------------------------------------------------

module "cognito" {
  source = "../cognito"

  name                 = local.name
  tags                 = local.tags
  lambda_zip_path      = var.lambda_zip_path
  lambda_subnet_ids    = module.network.private_subnet_ids
  vpc_id               = module.network.vpc_id
  vpc_cidr             = module.network.vpc_cidr
  db_security_group_id = module.rds.security_group_id
  db_secret_arn        = module.rds.master_user_secret_arn
  db_host              = module.rds.address
  db_port              = module.rds.port
  db_name              = module.rds.db_name
  kms_key_arns         = [module.rds.kms_key_arn]
  mfa                  = var.cognito_mfa
  # The app key encrypts the Lambda's environment, log group and artifacts bucket.
  kms_key_arn = module.secrets.kms_key_arn
  # Cognito's own e-mail has a small daily quota; production sends through SES.
  email_sending_account = var.cognito_ses_identity_arn == null ? "COGNITO_DEFAULT" : "DEVELOPER"
  email_source_arn      = var.cognito_ses_identity_arn
  from_email_address    = var.cognito_from_email_address
  # Users live in the pool and in the database: one switch protects both.
  deletion_protection                   = var.db_deletion_protection
  log_retention_days                    = var.log_retention_days
  lambda_artifacts_bucket_force_destroy = var.force_destroy
}

# --- Load balancer and its certificate --------------------------------------------------------

# Regional certificate for origin_domain_name: CloudFront connects to the ALB over HTTPS and
# checks that the certificate matches the origin host name.
resource "aws_acm_certificate" "origin" {
  count = local.request_origin_certificate ? 1 : 0

  domain_name       = var.origin_domain_name
  validation_method = "DNS"
  tags              = merge(local.tags, { Name = "${local.name}-origin" })

  lifecycle {
    create_before_destroy = true
  }
}

# One name, one validation record: indexing the single option keeps count known at plan time.
resource "aws_route53_record" "origin_validation" {
  count = local.request_origin_certificate && var.hosted_zone_id != null ? 1 : 0

  zone_id         = var.hosted_zone_id
  name            = one(aws_acm_certificate.origin[0].domain_validation_options).resource_record_name
  type            = one(aws_acm_certificate.origin[0].domain_validation_options).resource_record_type
  records         = [one(aws_acm_certificate.origin[0].domain_validation_options).resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

# Waits until the certificate is ISSUED (an HTTPS listener refuses a pending one). Without a
# hosted zone the operator adds the record from `certificate_validation_records` first
# (docs/deploy.md, stage 1).
resource "aws_acm_certificate_validation" "origin" {
  count = local.request_origin_certificate ? 1 : 0

  certificate_arn         = aws_acm_certificate.origin[0].arn
  validation_record_fqdns = var.hosted_zone_id != null ? [aws_route53_record.origin_validation[0].fqdn] : null
}

module "alb" {
  source = "../alb"

  name                             = local.name
  tags                             = local.tags
  vpc_id                           = module.network.vpc_id
  vpc_cidr                         = module.network.vpc_cidr
  public_subnet_ids                = module.network.public_subnet_ids
  certificate_arn                  = local.alb_certificate_arn
  origin_verify_secret_arn         = module.secrets.app_secret_arn
  origin_verify_header_value       = module.secrets.origin_verify_value
  cloudfront_prefix_list_id        = var.cloudfront_prefix_list_id
  deletion_protection              = var.alb_deletion_protection
  access_logs_bucket_force_destroy = var.force_destroy
}

# --- The app ----------------------------------------------------------------------------------

locals {
  # What spendwise/settings.py reads (docs/configuration.md, docs/identity.md). Secrets are not
  # here: SECRET_KEY is injected by ECS from Secrets Manager, and the database password is read
  # by the app from the RDS-managed secret at connect time, so a rotation needs no redeploy.
  app_environment = merge(var.app_environment, {
    DEBUG     = "false"
    LOG_LEVEL = "INFO"
    # dev and prod may share an account: their app metrics (namespace SpendWise) stay apart.
    METRICS_ENVIRONMENT = var.environment
    AWS_REGION          = data.aws_region.current.name
    IDENTITY_PROVIDER   = "cognito"

    COGNITO_USER_POOL_ID = module.cognito.user_pool_id
    COGNITO_CLIENT_ID    = module.cognito.app_client_id

    # CloudFront's origin request policy replaces the viewer's Host with the origin's name, so
    # Django sees origin_domain_name; the browser's Origin header carries domain_name.
    ALLOWED_HOSTS        = join(",", [var.domain_name, var.origin_domain_name])
    CSRF_TRUSTED_ORIGINS = local.site_url
    SITE_URL             = local.site_url
    # Viewer -> CloudFront -> ALB -> task: two proxies append to X-Forwarded-For, and the ALB
    # listener is HTTPS only, so X-Forwarded-Proto is trustworthy.
    TRUSTED_PROXY_COUNT     = "2"
    TRUST_X_FORWARDED_PROTO = "true"

    FILE_STORAGE  = "s3"
    S3_BUCKET     = module.storage.bucket_name
    S3_KMS_KEY_ID = module.secrets.kms_key_arn

    DB_HOST       = module.rds.address
    DB_PORT       = tostring(module.rds.port)
    DB_NAME       = module.rds.db_name
    DB_SECRET_ARN = module.rds.master_user_secret_arn
    DB_SSLMODE    = "require"
  })
}

# The app's own permissions: its files bucket (from the storage module) and reading the database
# secret, which is encrypted with the RDS module's key.
data "aws_iam_policy_document" "task" {
  source_policy_documents = [module.storage.task_policy_json]

  statement {
    sid       = "ReadDatabaseSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.rds.master_user_secret_arn]
  }

  statement {
    sid       = "DecryptDatabaseSecret"
    actions   = ["kms:Decrypt"]
    resources = [module.rds.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}

module "ecs_service" {
  source = "../ecs_service"

  name                    = local.name
  tags                    = local.tags
  vpc_id                  = module.network.vpc_id
  vpc_cidr                = module.network.vpc_cidr
  private_subnet_ids      = module.network.private_subnet_ids
  alb_security_group_id   = module.alb.security_group_id
  target_group_arn        = module.alb.target_group_arn
  alb_arn_suffix          = module.alb.alb_arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  image                   = "${module.ecr.repository_url}:${var.image_tag}"
  ecr_repository_arn      = module.ecr.repository_arn
  cpu                     = var.task_cpu
  memory                  = var.task_memory
  desired_count           = var.desired_count
  min_count               = var.min_tasks
  max_count               = var.max_tasks
  cpu_target_percent      = var.cpu_target_percent
  requests_per_target     = var.requests_per_target
  environment             = local.app_environment
  secrets = {
    SECRET_KEY = module.secrets.secret_key_ref
  }
  secret_arns           = [module.secrets.app_secret_arn]
  kms_key_arns          = [module.secrets.kms_key_arn]
  task_role_policy_json = data.aws_iam_policy_document.task.json
  log_retention_days    = var.log_retention_days
  log_kms_key_arn       = module.secrets.kms_key_arn
  # With NAT the tasks could reach the internet, but nothing in the app needs it: every AWS API
  # has an endpoint, so outbound 443 stays inside the VPC either way.
}

# --- Edge -------------------------------------------------------------------------------------

module "edge" {
  source = "../edge"
  count  = var.enable_edge ? 1 : 0

  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  name                       = local.name
  tags                       = local.tags
  domain_name                = var.domain_name
  origin_domain_name         = var.origin_domain_name
  hosted_zone_id             = var.hosted_zone_id
  alb_dns_name               = module.alb.alb_dns_name
  alb_zone_id                = module.alb.alb_zone_id
  origin_verify_header_value = module.secrets.origin_verify_value
  enable_waf                 = var.enable_waf
  waf_rate_limit             = var.waf_rate_limit
  log_retention_days         = var.log_retention_days
  logs_bucket_force_destroy  = var.force_destroy
}

# --- Operator access --------------------------------------------------------------------------

module "bastion" {
  source = "../bastion"

  name      = local.name
  tags      = local.tags
  enabled   = var.enable_bastion
  vpc_id    = module.network.vpc_id
  vpc_cidr  = module.network.vpc_cidr
  subnet_id = module.network.private_subnet_ids[0]
  # With a NAT gateway there are no SSM endpoints (locals above): the agent reaches Systems
  # Manager over HTTPS through the NAT instead.
  allow_internet_egress = var.enable_nat_gateway
  kms_key_arn           = module.secrets.kms_key_arn
}

# --- Monitoring and cost ----------------------------------------------------------------------

module "observability" {
  source = "../observability"

  name                    = local.name
  tags                    = local.tags
  alarm_emails            = var.alarm_emails
  kms_key_arn             = module.secrets.kms_key_arn
  alb_arn_suffix          = module.alb.alb_arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  cluster_name            = module.ecs_service.cluster_name
  service_name            = module.ecs_service.service_name
  db_instance_id          = module.rds.db_instance_id
  lambda_function_name    = module.cognito.lambda_function_name
  db_allocated_storage_gb = var.db_allocated_storage
}

module "budgets" {
  source = "../budgets"
  count  = var.enable_budget ? 1 : 0

  name              = local.name
  tags              = local.tags
  monthly_limit_usd = var.monthly_budget_usd
  alert_emails      = var.alarm_emails
}

# --- Delivery ---------------------------------------------------------------------------------

# The deploy workflow's smoke test signs in as this user (docs/delivery.md). Terraform makes
# the secret; the operator creates the user and puts its credentials in it (no value in state).
resource "aws_secretsmanager_secret" "smoke_user" {
  name                    = "${local.name}/smoke-user"
  description             = "Credentials of the ${local.name} smoke-test user: {\"email\", \"password\", \"name\"}"
  kms_key_id              = module.secrets.kms_key_arn
  recovery_window_in_days = var.force_destroy ? 0 : 30
  tags                    = merge(local.tags, { Name = "${local.name}-smoke-user" })
}

module "github_oidc" {
  source = "../github_oidc"
  count  = var.enable_github_oidc ? 1 : 0

  name       = local.name
  tags       = local.tags
  repository = var.github_repository
  branch     = var.github_branch
  # Every job that deploys or applies runs in the GitHub environment named after this one, so
  # its protection rules (deployment branch, prod's reviewers) cannot be skipped.
  environment          = var.environment
  trust_branch         = false
  create_oidc_provider = var.github_oidc_provider_arn == null
  oidc_provider_arn    = var.github_oidc_provider_arn
  ecr_repository_arn   = module.ecr.repository_arn
  ecs_cluster_arn      = module.ecs_service.cluster_arn
  cluster_name         = module.ecs_service.cluster_name
  service_name         = module.ecs_service.service_name
  task_role_arns       = [module.ecs_service.task_role_arn]
  execution_role_arns  = [module.ecs_service.execution_role_arn]
  task_family_prefix   = module.ecs_service.task_family_prefix
  log_group_arns       = [module.ecs_service.log_group_arn]

  smoke_secret_arns         = [aws_secretsmanager_secret.smoke_user.arn]
  smoke_secret_kms_key_arns = [module.secrets.kms_key_arn]

  create_terraform_roles            = var.terraform_state_bucket != null
  terraform_state_bucket_arn        = var.terraform_state_bucket == null ? null : "arn:${data.aws_partition.current.partition}:s3:::${var.terraform_state_bucket}"
  terraform_state_key               = coalesce(var.terraform_state_key, "spendwise/${var.environment}/terraform.tfstate")
  terraform_state_kms_key_arn       = var.terraform_state_kms_key_arn
  terraform_plan_secret_arns        = [module.secrets.app_secret_arn]
  terraform_plan_kms_key_arns       = [module.secrets.kms_key_arn]
  terraform_plan_denied_bucket_arns = [module.storage.bucket_arn]
  # The administrator apply role trusts its own GitHub environment ("<env>-infra", with its own
  # reviewers), never the deploy jobs' "<env>": those install and run the release's code, and
  # must not be able to mint an administrator token.
  terraform_apply_environment = "${var.environment}-infra"
}
