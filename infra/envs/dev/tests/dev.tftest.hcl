# dev's example terraform.tfvars plans through the whole stack, the switches the offline apply
# test uses still plan, and dev refuses fewer than 7 days of backups.
# Mocks: infra/modules/stack/tests/mocks.

mock_provider "aws" {
  override_during = plan
  source          = "../../modules/stack/tests/mocks/default"
}

mock_provider "aws" {
  alias           = "us_east_1"
  override_during = plan
  source          = "../../modules/stack/tests/mocks/us_east_1"
}

# terraform.tfvars is loaded as in a real plan; only the Lambda package is a test fixture
# (dist/ exists only after `make lambda`).
variables {
  lambda_zip_path = "../../modules/stack/tests/fixtures/post_confirmation.zip"
}

run "example_tfvars_plan" {
  command = plan

  assert {
    condition     = output.name == "spendwise-dev"
    error_message = "dev's resources are named spendwise-dev-*."
  }
  assert {
    condition     = output.bastion_instance_id == null
    error_message = "dev's example has no bastion."
  }
  assert {
    condition     = output.terraform_plan_role_arn != null && output.terraform_apply_role_arn != null
    error_message = "The example names the state bucket, so the infra workflow's roles are planned."
  }
}

# The switches infra/tests/test_apply_moto.py uses against moto (edge off: moto lacks CloudFront's
# response headers policy; bastion on, so its rules and the SSM endpoints are applied too).
run "moto_apply_test_switches_plan" {
  command = plan

  variables {
    enable_edge    = false
    enable_bastion = true
  }

  assert {
    condition     = output.cloudfront_domain_name == null && output.bastion_instance_id != null
    error_message = "The apply test's switches must remove the edge and add the bastion."
  }
}

run "refuses_short_backups" {
  command = plan
  variables {
    db_backup_retention_days = 3
  }
  expect_failures = [var.db_backup_retention_days]
}
