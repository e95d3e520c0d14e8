# The composition, planned with mock providers: prod-like inputs plan through every module, the
# feature switches really remove what they switch off, and the stack's own validations refuse
# bad values. Mocked values are generated during plan (override_during) so that ids and ARNs
# the modules validate have their real shapes.

# Shared with infra/envs/*/tests: mocks/<provider>/aws.tfmock.hcl.
mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks/default"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "./tests/mocks/us_east_1"
}

# Prod's choices (infra/envs/prod/terraform.tfvars), bastion and edge on.
variables {
  environment        = "prod"
  aws_region         = "eu-west-1"
  domain_name        = "app.example.com"
  origin_domain_name = "origin.app.example.com"
  alarm_emails       = ["ops@example.com"]
  monthly_budget_usd = 300
  github_repository  = "example-org/spendwise"
  image_tag          = "0.1.0"
  lambda_zip_path    = "tests/fixtures/post_confirmation.zip"

  vpc_cidr       = "10.30.0.0/16"
  peer_cidrs     = ["10.20.0.0/16"]
  enable_bastion = true

  task_cpu            = 512
  task_memory         = 1024
  desired_count       = 2
  min_tasks           = 2
  max_tasks           = 6
  requests_per_target = 300

  db_instance_class        = "db.t4g.small"
  db_multi_az              = true
  db_backup_retention_days = 14
  db_deletion_protection   = true
  db_skip_final_snapshot   = false
  alb_deletion_protection  = true
  log_retention_days       = 90
}

run "prod_like_inputs_plan" {
  command = plan

  assert {
    condition     = length(module.edge) == 1 && output.cloudfront_domain_name != null
    error_message = "With enable_edge the stack must create CloudFront and the WAF."
  }
  assert {
    condition     = output.bastion_instance_id != null && module.bastion.security_group_id != null
    error_message = "With enable_bastion the stack must create the bastion."
  }
  assert {
    condition     = contains(keys(module.endpoints.interface_endpoint_ids), "ssm")
    error_message = "A bastion without NAT needs the SSM endpoints."
  }
  assert {
    condition     = length(output.certificate_validation_records) == 2
    error_message = "Both certificates' validation records must be in the output for an operator without a hosted zone."
  }
  assert {
    condition     = length(module.budgets) == 1 && length(module.github_oidc) == 1
    error_message = "The budget and the deploy role are on by default."
  }
  assert {
    condition     = length(aws_acm_certificate.origin) == 1 && aws_acm_certificate.origin[0].domain_name == "origin.app.example.com"
    error_message = "Without alb_certificate_arn the stack must request the ALB's certificate for origin_domain_name."
  }
  assert {
    condition     = length(aws_route53_record.origin_validation) == 0
    error_message = "Without a hosted zone no validation record may be written."
  }
  assert {
    condition     = output.name == "spendwise-prod"
    error_message = "Resource names must be <name_prefix>-<environment>."
  }
  assert {
    condition = alltrue([
      local.app_environment.IDENTITY_PROVIDER == "cognito",
      local.app_environment.DEBUG == "false",
      local.app_environment.ALLOWED_HOSTS == "app.example.com,origin.app.example.com",
      local.app_environment.CSRF_TRUSTED_ORIGINS == "https://app.example.com",
      local.app_environment.SITE_URL == "https://app.example.com",
      local.app_environment.TRUSTED_PROXY_COUNT == "2",
      local.app_environment.TRUST_X_FORWARDED_PROTO == "true",
      local.app_environment.FILE_STORAGE == "s3",
      local.app_environment.DB_SSLMODE == "require",
      local.app_environment.AWS_REGION == "eu-west-1",
      local.app_environment.COGNITO_USER_POOL_ID == "eu-west-1_AbC123xyz",
      local.app_environment.METRICS_ENVIRONMENT == "prod",
    ])
    error_message = "The app's environment must match docs/configuration.md and docs/identity.md."
  }
  assert {
    condition     = startswith(local.app_environment.DB_SECRET_ARN, "arn:aws:secretsmanager:") && local.app_environment.DB_PORT == "5432"
    error_message = "The app must be told the RDS-managed secret and the port."
  }
  assert {
    condition     = !contains(keys(local.app_environment), "SECRET_KEY") && !contains(keys(local.app_environment), "DATABASE_URL")
    error_message = "No secret may be a plain environment variable: SECRET_KEY is an ECS secret and the DB password is read from Secrets Manager."
  }
}

run "app_environment_cannot_override_the_stack" {
  command = plan

  variables {
    app_environment = {
      DEBUG      = "true"
      EMAIL_HOST = "email-smtp.eu-west-1.amazonaws.com"
    }
  }

  assert {
    condition     = local.app_environment.DEBUG == "false" && local.app_environment.EMAIL_HOST == "email-smtp.eu-west-1.amazonaws.com"
    error_message = "Extra settings are added, but the stack's own settings win."
  }
}

run "edge_and_bastion_off_remove_them" {
  command = plan

  variables {
    enable_edge        = false
    enable_bastion     = false
    enable_budget      = false
    enable_github_oidc = false
  }

  assert {
    condition     = length(module.edge) == 0 && output.cloudfront_domain_name == null && output.cloudfront_distribution_id == null
    error_message = "enable_edge = false must remove CloudFront, the WAF and the us-east-1 certificate."
  }
  assert {
    condition     = output.bastion_instance_id == null && module.bastion.security_group_id == null
    error_message = "enable_bastion = false must remove the bastion instance and its security group."
  }
  assert {
    condition     = !contains(keys(module.endpoints.interface_endpoint_ids), "ssm")
    error_message = "Without the bastion the SSM endpoints are not needed."
  }
  assert {
    condition     = length(output.certificate_validation_records) == 1
    error_message = "Without the edge only the ALB's certificate needs validating."
  }
  assert {
    condition     = length(module.budgets) == 0 && length(module.github_oidc) == 0 && output.deploy_role_arn == null
    error_message = "enable_budget / enable_github_oidc = false must remove the budget and the deploy role."
  }
}

run "given_certificate_replaces_the_requested_one" {
  command = plan

  variables {
    alb_certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition     = length(aws_acm_certificate.origin) == 0 && length(aws_acm_certificate_validation.origin) == 0
    error_message = "An operator's certificate replaces the requested one."
  }
}

run "hosted_zone_writes_the_validation_record" {
  command = plan

  variables {
    hosted_zone_id = "Z0123456789ABCDEFGHIJ"
  }

  assert {
    condition     = length(aws_route53_record.origin_validation) == 1 && aws_route53_record.origin_validation[0].name == "_0123456789abcdef.origin.app.example.com."
    error_message = "With a hosted zone the stack must write the ALB certificate's validation record."
  }
  assert {
    condition     = length(aws_acm_certificate_validation.origin[0].validation_record_fqdns) == 1
    error_message = "The validation must wait for the record it wrote."
  }
}

run "nat_instead_of_ssm_endpoints" {
  command = plan

  variables {
    enable_nat_gateway = true
  }

  assert {
    condition     = !contains(keys(module.endpoints.interface_endpoint_ids), "ssm")
    error_message = "With NAT the bastion reaches SSM through it: no SSM endpoints."
  }
}

run "terraform_roles_with_the_state_bucket" {
  command = plan

  variables {
    terraform_state_bucket      = "spendwise-tfstate-123456789012-eu-west-1"
    terraform_state_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  }

  assert {
    condition     = output.terraform_plan_role_arn != null && output.terraform_apply_role_arn != null
    error_message = "With the state bucket the infra workflow's plan and apply roles are created."
  }
  assert {
    condition     = module.github_oidc[0].trusted_subjects == tolist(["repo:example-org/spendwise:environment:prod"])
    error_message = "The deploy role trusts only jobs in the prod environment (its reviewers cannot be skipped)."
  }
  assert {
    condition     = aws_secretsmanager_secret.smoke_user.name == "spendwise-prod/smoke-user" && output.smoke_user_secret_arn != null
    error_message = "The smoke user's secret is <name>/smoke-user."
  }
  assert {
    condition     = output.site_url == "https://app.example.com" && output.task_family_prefix == "spendwise-prod" && output.container_name == "app"
    error_message = "The deploy script's inputs are outputs."
  }
}

run "no_terraform_roles_without_the_state_bucket" {
  command = plan

  assert {
    condition     = output.terraform_plan_role_arn == null && output.terraform_apply_role_arn == null && output.deploy_role_arn != null
    error_message = "Without terraform_state_bucket only the deploy role exists."
  }
}

run "refuses_a_state_bucket_without_its_key" {
  command = plan

  variables {
    terraform_state_bucket = "spendwise-tfstate-123456789012-eu-west-1"
  }

  expect_failures = [var.terraform_state_kms_key_arn]
}

run "existing_oidc_provider_and_ses" {
  command = plan

  variables {
    github_oidc_provider_arn   = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    cognito_ses_identity_arn   = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    cognito_from_email_address = "SpendWise <no-reply@example.com>"
  }

  assert {
    condition     = length(module.github_oidc) == 1
    error_message = "An existing OIDC provider is reused, the role is still created."
  }
  assert {
    condition     = output.user_pool_id != null
    error_message = "A pool sending through SES must plan."
  }
}

# --- The stack's own validations ---------------------------------------------------------------
# Independent bad values share one plan (each is reported on its own; a plan of the whole stack
# is the slow part). Validations that read another variable get runs of their own.

run "refuses_bad_values" {
  command = plan

  variables {
    environment               = "staging"
    image_tag                 = "latest"
    task_cpu                  = 256
    task_memory               = 4096
    desired_count             = 10
    origin_domain_name        = "app.example.com"
    db_backup_retention_days  = 3
    db_engine_version         = "14.12"
    log_retention_days        = 0
    alarm_emails              = ["ops-at-example.com"]
    github_repository         = "spendwise"
    github_branch             = "release/*"
    monthly_budget_usd        = 0
    lambda_zip_path           = "dist/post_confirmation.tar.gz"
    hosted_zone_id            = "not-a-zone"
    cloudfront_prefix_list_id = "prefix-list"
    cognito_ses_identity_arn  = "arn:aws:sns:eu-west-1:123456789012:topic"
  }

  expect_failures = [
    var.environment,
    var.image_tag,
    var.task_memory,
    var.desired_count,
    var.origin_domain_name,
    var.db_backup_retention_days,
    var.db_engine_version,
    var.log_retention_days,
    var.alarm_emails,
    var.github_repository,
    var.github_branch,
    var.monthly_budget_usd,
    var.lambda_zip_path,
    var.hosted_zone_id,
    var.cloudfront_prefix_list_id,
    var.cognito_ses_identity_arn,
  ]
}

run "refuses_max_below_min" {
  command = plan
  variables {
    min_tasks     = 3
    max_tasks     = 2
    desired_count = 3
  }
  expect_failures = [var.max_tasks]
}

run "refuses_no_alarm_email" {
  command = plan
  variables {
    alarm_emails = []
  }
  expect_failures = [var.alarm_emails]
}
