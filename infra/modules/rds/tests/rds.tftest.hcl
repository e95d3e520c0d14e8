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
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/spendwise-test-rds-monitoring" }
  }
  mock_resource "aws_security_group" {
    defaults = { id = "sg-0000000000000db00" }
  }
}

variables {
  name                = "spendwise-test"
  tags                = { project = "spendwise" }
  vpc_id              = "vpc-0123456789abcdef0"
  database_subnet_ids = ["subnet-0000000000000000a", "subnet-0000000000000000b"]
  allowed_security_group_ids = {
    app     = "sg-0000000000000a0a0"
    lambda  = "sg-0000000000000b0b0"
    bastion = "sg-0000000000000c0c0"
  }
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = aws_db_instance.this.storage_encrypted && aws_db_instance.this.kms_key_id == aws_kms_key.this[0].arn
    error_message = "Storage must be encrypted with the CMK."
  }
  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.master_user_secret_kms_key_id == aws_kms_key.this[0].arn
    error_message = "RDS must manage the master password in Secrets Manager, encrypted with the CMK."
  }
  assert {
    condition     = aws_db_instance.this.password == null
    error_message = "No password may pass through Terraform."
  }
  assert {
    condition     = !aws_db_instance.this.publicly_accessible
    error_message = "The instance must not be publicly accessible."
  }
  assert {
    condition     = aws_kms_key.this[0].enable_key_rotation
    error_message = "The module's CMK must rotate."
  }
  assert {
    condition = anytrue([
      for p in aws_db_parameter_group.this.parameter : p.name == "rds.force_ssl" && p.value == "1"
    ])
    error_message = "The parameter group must force TLS (rds.force_ssl = 1)."
  }
  assert {
    condition = anytrue([
      for p in aws_db_parameter_group.this.parameter : p.name == "log_min_duration_statement" && p.value == "-1"
      ]) && anytrue([
      for p in aws_db_parameter_group.this.parameter : p.name == "log_min_error_statement" && p.value == "panic"
    ])
    error_message = "Statement text (with its literal values) must stay out of the PostgreSQL log by default."
  }
  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16" && aws_db_instance.this.parameter_group_name == aws_db_parameter_group.this.name
    error_message = "The instance must use the parameter group of its major version."
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.postgres) == 3
    error_message = "There must be exactly one ingress rule per allowed security group."
  }
  assert {
    condition = alltrue([
      for label, sg in var.allowed_security_group_ids :
      aws_vpc_security_group_ingress_rule.postgres[label].referenced_security_group_id == sg &&
      aws_vpc_security_group_ingress_rule.postgres[label].from_port == 5432 &&
      aws_vpc_security_group_ingress_rule.postgres[label].to_port == 5432 &&
      aws_vpc_security_group_ingress_rule.postgres[label].description == "PostgreSQL from ${label}"
    ])
    error_message = "Each rule must open 5432 to its security group only, with a description."
  }
  assert {
    condition = alltrue([
      for rule in aws_vpc_security_group_ingress_rule.postgres :
      rule.cidr_ipv4 == null && rule.cidr_ipv6 == null && rule.prefix_list_id == null
    ])
    error_message = "No ingress rule may come from a CIDR or prefix list."
  }
  assert {
    condition     = aws_db_instance.this.backup_retention_period == 14 && aws_db_instance.this.deletion_protection && aws_db_instance.this.multi_az
    error_message = "The defaults must be production-safe: 14 days of backups, deletion protection, Multi-AZ."
  }
  assert {
    condition     = aws_db_instance.this.final_snapshot_identifier == "spendwise-test-final" && !aws_db_instance.this.skip_final_snapshot
    error_message = "A final snapshot must be taken unless skip_final_snapshot."
  }
  assert {
    condition     = toset(aws_db_instance.this.enabled_cloudwatch_logs_exports) == toset(["postgresql", "upgrade"]) && length(aws_cloudwatch_log_group.exports) == 2
    error_message = "PostgreSQL and upgrade logs must be exported to log groups the module creates."
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.exports : g.retention_in_days == 30 && g.kms_key_id == aws_kms_key.this[0].arn])
    error_message = "Exported log groups need retention and the CMK."
  }
  assert {
    condition = alltrue([
      aws_db_instance.this.copy_tags_to_snapshot,
      aws_db_instance.this.auto_minor_version_upgrade,
      aws_db_instance.this.iam_database_authentication_enabled,
      aws_db_instance.this.performance_insights_enabled,
      aws_db_instance.this.monitoring_interval == 60,
      aws_db_instance.this.monitoring_role_arn == aws_iam_role.monitoring[0].arn,
    ])
    error_message = "Snapshot tags, minor upgrades, IAM auth, Performance Insights and Enhanced Monitoring must be on."
  }
  assert {
    condition     = aws_db_instance.this.tags["project"] == "spendwise" && aws_security_group.this.tags["project"] == "spendwise"
    error_message = "Resources must carry var.tags."
  }
}

run "a_given_key_is_used_and_none_created" {
  command = plan
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_db_instance.this.kms_key_id == var.kms_key_arn && output.kms_key_arn == var.kms_key_arn
    error_message = "A given CMK must be used, and no second key created."
  }
}

run "dev_settings_plan" {
  command = plan
  variables {
    multi_az              = false
    backup_retention_days = 7
    deletion_protection   = false
    skip_final_snapshot   = true
    monitoring_interval   = 0
    performance_insights  = false
    engine_version        = "17.2"
  }

  assert {
    condition     = aws_db_instance.this.final_snapshot_identifier == null && length(aws_iam_role.monitoring) == 0
    error_message = "Dev needs no final snapshot name and no monitoring role."
  }
  assert {
    condition     = aws_db_parameter_group.this.family == "postgres17"
    error_message = "The parameter group family must follow the major version."
  }
}

run "refuses_a_public_instance" {
  command = plan
  variables {
    publicly_accessible = true
  }
  expect_failures = [var.publicly_accessible]
}

run "refuses_backup_retention_0" {
  command = plan
  variables {
    backup_retention_days = 0
  }
  expect_failures = [var.backup_retention_days]
}

run "refuses_backup_retention_3" {
  command = plan
  variables {
    backup_retention_days = 3
  }
  expect_failures = [var.backup_retention_days]
}

run "refuses_max_storage_below_allocated" {
  command = plan
  variables {
    allocated_storage     = 50
    max_allocated_storage = 40
  }
  expect_failures = [var.max_allocated_storage]
}

run "refuses_postgres_14" {
  command = plan
  variables {
    engine_version = "14.12"
  }
  expect_failures = [var.engine_version]
}

run "refuses_a_version_that_is_not_a_number" {
  command = plan
  variables {
    engine_version = "latest"
  }
  expect_failures = [var.engine_version]
}

run "refuses_a_reserved_username" {
  command = plan
  variables {
    username = "postgres"
  }
  expect_failures = [var.username]
}

run "refuses_an_unknown_monitoring_interval" {
  command = plan
  variables {
    monitoring_interval = 45
  }
  expect_failures = [var.monitoring_interval]
}

run "refuses_a_single_subnet" {
  command = plan
  variables {
    database_subnet_ids = ["subnet-0000000000000000a"]
  }
  expect_failures = [var.database_subnet_ids]
}

run "refuses_create_kms_key_false_without_a_key" {
  command = plan
  variables {
    create_kms_key = false
  }
  expect_failures = [var.create_kms_key]
}
