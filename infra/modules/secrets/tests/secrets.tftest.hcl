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
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-test/app-AbCdEf" }
  }
}

variables {
  name = "spendwise-test"
  tags = { project = "spendwise" }
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = aws_kms_key.app.enable_key_rotation
    error_message = "The app CMK must rotate."
  }
  assert {
    condition     = aws_kms_alias.app.name == "alias/spendwise-test-app"
    error_message = "The CMK alias must be alias/<name>-app."
  }
  assert {
    condition     = aws_secretsmanager_secret.app.name == "spendwise-test/app" && aws_secretsmanager_secret.app.kms_key_id == aws_kms_key.app.arn
    error_message = "The app secret must be <name>/app, encrypted with the app CMK."
  }
  assert {
    condition     = aws_secretsmanager_secret.app.recovery_window_in_days == 30
    error_message = "Deleted secrets must be recoverable for 30 days by default."
  }
  assert {
    condition     = toset(keys(jsondecode(aws_secretsmanager_secret_version.app.secret_string))) == toset(["SECRET_KEY", "ORIGIN_VERIFY"])
    error_message = "The app secret must hold SECRET_KEY and ORIGIN_VERIFY."
  }
  assert {
    condition     = output.secret_key_ref == "${aws_secretsmanager_secret.app.arn}:SECRET_KEY::"
    error_message = "secret_key_ref must be the ECS reference <arn>:SECRET_KEY::."
  }
  assert {
    condition     = output.origin_verify_value == data.aws_secretsmanager_random_password.origin_verify.random_password
    error_message = "origin_verify_value must be the ORIGIN_VERIFY field of the secret."
  }
  assert {
    condition     = aws_kms_key.app.tags == var.tags && aws_secretsmanager_secret.app.tags == var.tags
    error_message = "Taggable resources must carry var.tags."
  }
}

run "immediate_deletion_is_allowed_for_dev_teardown" {
  command = plan
  variables {
    recovery_window_in_days = 0
  }
}

run "refuses_a_recovery_window_of_3_days" {
  command = plan
  variables {
    recovery_window_in_days = 3
  }
  expect_failures = [var.recovery_window_in_days]
}

run "refuses_a_recovery_window_over_30_days" {
  command = plan
  variables {
    recovery_window_in_days = 31
  }
  expect_failures = [var.recovery_window_in_days]
}

run "refuses_a_bad_name" {
  command = plan
  variables {
    name = "SpendWise_Prod"
  }
  expect_failures = [var.name]
}

run "refuses_a_short_kms_deletion_window" {
  command = plan
  variables {
    kms_deletion_window_in_days = 3
  }
  expect_failures = [var.kms_deletion_window_in_days]
}
