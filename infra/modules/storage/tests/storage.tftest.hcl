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
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::spendwise-test-files-123456789012" }
  }
}

variables {
  name        = "spendwise-test"
  tags        = { project = "spendwise" }
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = aws_s3_bucket.files.bucket == "spendwise-test-files-123456789012"
    error_message = "The bucket must be named <name>-files-<account id>."
  }
  assert {
    condition     = !aws_s3_bucket.files.force_destroy
    error_message = "The files bucket must not be force-destroyed by default."
  }
  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.files.block_public_acls,
      aws_s3_bucket_public_access_block.files.block_public_policy,
      aws_s3_bucket_public_access_block.files.ignore_public_acls,
      aws_s3_bucket_public_access_block.files.restrict_public_buckets,
    ])
    error_message = "All four public access blocks must be on."
  }
  assert {
    condition     = one(aws_s3_bucket_ownership_controls.files.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }
  assert {
    condition     = one(aws_s3_bucket_versioning.files.versioning_configuration).status == "Enabled"
    error_message = "The files bucket must be versioned."
  }
  assert {
    condition = anytrue([
      for rule in aws_s3_bucket_server_side_encryption_configuration.files.rule :
      rule.bucket_key_enabled && one(rule.apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" && one(rule.apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn
    ])
    error_message = "Files must be encrypted with the app CMK (SSE-KMS, bucket key)."
  }
  assert {
    condition = anytrue([
      for statement in data.aws_iam_policy_document.files_bucket.statement :
      statement.effect == "Deny" && anytrue([for c in statement.condition : c.variable == "aws:SecureTransport" && c.values == tolist(["false"])])
    ])
    error_message = "The bucket policy must deny requests without TLS."
  }
  assert {
    condition = anytrue([
      for rule in aws_s3_bucket_lifecycle_configuration.files.rule :
      one(rule.noncurrent_version_expiration).noncurrent_days == 90 && one(rule.abort_incomplete_multipart_upload).days_after_initiation == 7
    ])
    error_message = "Old versions must expire after noncurrent_version_days and partial uploads after 7 days."
  }
  assert {
    condition     = toset(flatten([for s in data.aws_iam_policy_document.task.statement : s.resources])) == toset([aws_s3_bucket.files.arn, "${aws_s3_bucket.files.arn}/*", var.kms_key_arn])
    error_message = "The task policy must reach only the bucket, its objects and the key."
  }
  assert {
    condition     = aws_s3_bucket.files.tags["project"] == "spendwise"
    error_message = "The bucket must carry var.tags."
  }
}

run "refuses_zero_noncurrent_days" {
  command = plan
  variables {
    noncurrent_version_days = 0
  }
  expect_failures = [var.noncurrent_version_days]
}

run "refuses_a_key_that_is_not_a_kms_arn" {
  command = plan
  variables {
    kms_key_arn = "alias/spendwise"
  }
  expect_failures = [var.kms_key_arn]
}

run "refuses_a_bad_name" {
  command = plan
  variables {
    name = "-spendwise"
  }
  expect_failures = [var.name]
}
