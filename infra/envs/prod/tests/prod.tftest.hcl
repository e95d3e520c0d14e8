# prod's example terraform.tfvars plans through the whole stack, and prod's own validations
# refuse the values that would make production unsafe. Mocks: infra/modules/stack/tests/mocks.

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
    condition     = output.name == "spendwise-prod"
    error_message = "prod's resources are named spendwise-prod-*."
  }
  assert {
    condition     = output.cloudfront_domain_name != null
    error_message = "prod is served through CloudFront."
  }
}

run "refuses_single_az_database" {
  command = plan
  variables {
    db_multi_az = false
  }
  expect_failures = [var.db_multi_az]
}

run "refuses_short_backups" {
  command = plan
  variables {
    db_backup_retention_days = 7
  }
  expect_failures = [var.db_backup_retention_days]
}

run "refuses_no_deletion_protection" {
  command = plan
  variables {
    db_deletion_protection = false
  }
  expect_failures = [var.db_deletion_protection]
}

run "refuses_no_final_snapshot" {
  command = plan
  variables {
    db_skip_final_snapshot = true
  }
  expect_failures = [var.db_skip_final_snapshot]
}

run "refuses_force_destroy" {
  command = plan
  variables {
    force_destroy = true
  }
  expect_failures = [var.force_destroy]
}

run "refuses_no_edge" {
  command = plan
  variables {
    enable_edge = false
  }
  expect_failures = [var.enable_edge]
}

run "refuses_no_waf" {
  command = plan
  variables {
    enable_waf = false
  }
  expect_failures = [var.enable_waf]
}

run "refuses_a_single_task" {
  command = plan
  variables {
    min_tasks     = 1
    desired_count = 1
  }
  expect_failures = [var.min_tasks]
}

run "refuses_short_log_retention" {
  command = plan
  variables {
    log_retention_days = 30
  }
  expect_failures = [var.log_retention_days]
}
