mock_provider "aws" {
  override_during = plan

  mock_data "aws_iam_policy_document" {
    defaults = { json = "{}" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:spendwise-test-post-confirmation" }
  }
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      arn      = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123xyz"
      endpoint = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz"
    }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0000000000000b0b0" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/spendwise-test-post-confirmation" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::spendwise-test-lambda-artifacts-123456789012" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/spendwise-test-post-confirmation" }
  }
}

variables {
  name                 = "spendwise-test"
  tags                 = { project = "spendwise" }
  lambda_zip_path      = "tests/fixtures/post_confirmation.zip"
  lambda_subnet_ids    = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  vpc_id               = "vpc-0123456789abcdef0"
  vpc_cidr             = "10.20.0.0/16"
  db_security_group_id = "sg-0000000000000db00"
  db_secret_arn        = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-AbCdEf"
  db_host              = "spendwise-test.abcdefghijkl.eu-west-1.rds.amazonaws.com"
  db_port              = 5432
  db_name              = "spendwise"
  kms_key_arns         = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
  kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = one(aws_cognito_user_pool.this.lambda_config).post_confirmation == aws_lambda_function.post_confirmation.arn
    error_message = "The pool's PostConfirmation trigger must be the module's Lambda."
  }
  assert {
    condition = alltrue([
      aws_lambda_permission.cognito.principal == "cognito-idp.amazonaws.com",
      aws_lambda_permission.cognito.action == "lambda:InvokeFunction",
      aws_lambda_permission.cognito.function_name == aws_lambda_function.post_confirmation.function_name,
      aws_lambda_permission.cognito.source_arn == aws_cognito_user_pool.this.arn,
    ])
    error_message = "Cognito (cognito-idp.amazonaws.com) must be allowed to invoke the Lambda, for this pool only."
  }
  assert {
    condition     = one(aws_lambda_function.post_confirmation.vpc_config).subnet_ids == toset(var.lambda_subnet_ids)
    error_message = "The Lambda must run in the given private subnets."
  }
  assert {
    condition     = one(aws_lambda_function.post_confirmation.vpc_config).security_group_ids == toset([aws_security_group.lambda.id])
    error_message = "The Lambda must use its own security group."
  }
  assert {
    condition = alltrue([
      aws_lambda_function.post_confirmation.handler == "handler.handler",
      aws_lambda_function.post_confirmation.runtime == "python3.11",
      aws_lambda_function.post_confirmation.architectures == tolist(["x86_64"]),
    ])
    error_message = "Handler, runtime and architecture must match lambdas/build.py."
  }
  assert {
    condition = one(aws_lambda_function.post_confirmation.environment).variables == tomap({
      DB_SECRET_ARN = var.db_secret_arn
      DB_HOST       = var.db_host
      DB_PORT       = "5432"
      DB_NAME       = "spendwise"
      DB_SSLMODE    = "require"
    })
    error_message = "The Lambda's environment must be what lambdas/post_confirmation/handler.py reads."
  }
  assert {
    condition     = aws_lambda_function.post_confirmation.s3_bucket == aws_s3_bucket.artifacts.id && aws_lambda_function.post_confirmation.s3_key == "post_confirmation.zip" && aws_lambda_function.post_confirmation.filename == null
    error_message = "The package must be deployed from the artifacts bucket, not uploaded directly."
  }
  assert {
    condition     = aws_s3_object.lambda_package.source == var.lambda_zip_path && aws_s3_object.lambda_package.source_hash == filemd5(var.lambda_zip_path)
    error_message = "The package object must be uploaded from lambda_zip_path and follow its content."
  }
  assert {
    condition     = aws_lambda_function.post_confirmation.source_code_hash == filebase64sha256(var.lambda_zip_path)
    error_message = "A new build must update the function's code."
  }
  assert {
    condition     = one(aws_lambda_function.post_confirmation.tracing_config).mode == "Active" && aws_lambda_function.post_confirmation.timeout == 30 && aws_lambda_function.post_confirmation.memory_size == 512
    error_message = "Tracing Active, timeout 30 s, 512 MB."
  }
  assert {
    condition     = aws_cloudwatch_log_group.lambda.name == "/aws/lambda/spendwise-test-post-confirmation" && aws_cloudwatch_log_group.lambda.retention_in_days == 30 && aws_cloudwatch_log_group.lambda.kms_key_id == var.kms_key_arn
    error_message = "The Lambda's log group needs retention and the CMK."
  }
  assert {
    condition = (
      aws_vpc_security_group_egress_rule.lambda_postgres.referenced_security_group_id == var.db_security_group_id &&
      aws_vpc_security_group_egress_rule.lambda_postgres.from_port == 5432 &&
      aws_vpc_security_group_egress_rule.lambda_https_vpc.cidr_ipv4 == var.vpc_cidr &&
      aws_vpc_security_group_egress_rule.lambda_https_vpc.from_port == 443
    )
    error_message = "The Lambda may only reach PostgreSQL on the database SG and HTTPS inside the VPC."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.lambda.statement :
      s.actions == toset(["secretsmanager:GetSecretValue"]) && s.resources == toset([var.db_secret_arn])
    ])
    error_message = "The Lambda may read the database secret, and only that secret."
  }
  assert {
    condition     = !anytrue([for s in data.aws_iam_policy_document.lambda.statement : contains(s.actions, "*")])
    error_message = "No wildcard action in the Lambda's policy."
  }
  assert {
    condition = alltrue([
      aws_cognito_user_pool.this.username_attributes == toset(["email"]),
      aws_cognito_user_pool.this.auto_verified_attributes == toset(["email"]),
      aws_cognito_user_pool.this.mfa_configuration == "OPTIONAL",
      one(aws_cognito_user_pool.this.software_token_mfa_configuration).enabled,
      aws_cognito_user_pool.this.deletion_protection == "ACTIVE",
    ])
    error_message = "E-mail sign-in, optional TOTP MFA and deletion protection by default."
  }
  assert {
    condition = alltrue([
      one(aws_cognito_user_pool.this.password_policy).minimum_length == 12,
      one(aws_cognito_user_pool.this.password_policy).require_symbols,
      one(aws_cognito_user_pool.this.password_policy).require_uppercase,
      one(aws_cognito_user_pool.this.password_policy).temporary_password_validity_days == 3,
    ])
    error_message = "The password policy must be the documented one."
  }
  assert {
    condition = alltrue([
      aws_cognito_user_pool_client.app.explicit_auth_flows == toset(["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]),
      aws_cognito_user_pool_client.app.prevent_user_existence_errors == "ENABLED",
      aws_cognito_user_pool_client.app.enable_token_revocation,
      !aws_cognito_user_pool_client.app.generate_secret,
      aws_cognito_user_pool_client.app.access_token_validity == 60,
      aws_cognito_user_pool_client.app.refresh_token_validity == 30,
    ])
    error_message = "The app client must allow the API flows the app uses, hide user existence and revoke tokens."
  }
  assert {
    condition     = output.issuer_url == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz" && output.jwks_url == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz/.well-known/jwks.json"
    error_message = "issuer_url and jwks_url must be the pool's."
  }
  assert {
    condition     = alltrue([aws_s3_bucket_public_access_block.artifacts.block_public_acls, aws_s3_bucket_public_access_block.artifacts.block_public_policy, aws_s3_bucket_public_access_block.artifacts.ignore_public_acls, aws_s3_bucket_public_access_block.artifacts.restrict_public_buckets])
    error_message = "The artifacts bucket must block all public access."
  }
  assert {
    condition     = aws_lambda_function.post_confirmation.tags["project"] == "spendwise" && aws_cognito_user_pool.this.tags["project"] == "spendwise"
    error_message = "Resources must carry var.tags."
  }
}

run "mfa_off_has_no_totp_block" {
  command = plan
  variables {
    mfa = "OFF"
  }

  assert {
    condition     = length(aws_cognito_user_pool.this.software_token_mfa_configuration) == 0
    error_message = "With MFA off the pool needs no TOTP configuration."
  }
}

run "refuses_a_password_minimum_length_of_6" {
  command = plan
  variables {
    password_minimum_length = 6
  }
  expect_failures = [var.password_minimum_length]
}

run "refuses_sms_mfa" {
  command = plan
  variables {
    mfa = "SMS"
  }
  expect_failures = [var.mfa]
}

run "refuses_a_package_that_is_not_a_zip" {
  command = plan
  variables {
    lambda_zip_path = "tests/fixtures/post_confirmation.tar.gz"
  }
  expect_failures = [var.lambda_zip_path]
}

run "refuses_a_single_lambda_subnet" {
  command = plan
  variables {
    lambda_subnet_ids = ["subnet-0000000000000000a"]
  }
  expect_failures = [var.lambda_subnet_ids]
}

run "refuses_developer_email_without_an_ses_identity" {
  command = plan
  variables {
    email_sending_account = "DEVELOPER"
  }
  expect_failures = [var.email_source_arn]
}

run "refuses_a_db_secret_that_is_not_a_secret_arn" {
  command = plan
  variables {
    db_secret_arn = "spendwise/db"
  }
  expect_failures = [var.db_secret_arn]
}
