mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  name = "spendwise-test"
  tags = { Project = "spendwise" }
}

run "plans_with_defaults" {
  command = plan

  assert {
    condition     = aws_ecr_repository.this.image_tag_mutability == "IMMUTABLE"
    error_message = "The repository must be IMMUTABLE."
  }

  assert {
    condition     = aws_ecr_repository.this.image_scanning_configuration[0].scan_on_push
    error_message = "scan_on_push must be on by default."
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].encryption_type == "KMS"
    error_message = "The repository must be KMS-encrypted."
  }

  assert {
    condition     = length(aws_kms_key.ecr) == 1 && aws_kms_key.ecr[0].enable_key_rotation
    error_message = "Without kms_key_arn the module must create a CMK with rotation."
  }

  assert {
    condition     = !aws_ecr_repository.this.force_delete
    error_message = "force_delete must be off by default."
  }

  assert {
    condition = (
      [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.selection.countNumber]
      == [7, 30]
    )
    error_message = "Lifecycle: untagged expire after 7 days, 30 tagged images kept."
  }

  assert {
    condition = (
      [for r in jsondecode(aws_ecr_lifecycle_policy.this.policy).rules : r.selection.tagStatus]
      == ["untagged", "tagged"]
    )
    error_message = "Lifecycle rules must cover untagged then tagged images."
  }
}

run "uses_a_given_key" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    keep_images = 5
  }

  assert {
    condition     = length(aws_kms_key.ecr) == 0
    error_message = "No CMK may be created when kms_key_arn is given."
  }

  assert {
    condition     = aws_ecr_repository.this.encryption_configuration[0].kms_key == var.kms_key_arn
    error_message = "The given key must encrypt the repository."
  }

  assert {
    condition     = jsondecode(aws_ecr_lifecycle_policy.this.policy).rules[1].selection.countNumber == 5
    error_message = "keep_images must drive the tagged-image rule."
  }
}

run "refuses_mutable_tags" {
  command = plan

  variables {
    image_tag_mutability = "MUTABLE"
  }

  expect_failures = [var.image_tag_mutability]
}

run "refuses_keep_images_zero" {
  command = plan

  variables {
    keep_images = 0
  }

  expect_failures = [var.keep_images]
}

run "refuses_keep_images_too_many" {
  command = plan

  variables {
    keep_images = 1001
  }

  expect_failures = [var.keep_images]
}

run "refuses_a_non_kms_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/ecr"
  }

  expect_failures = [var.kms_key_arn]
}

run "refuses_a_bad_name" {
  command = plan

  variables {
    name = "SpendWise_Dev"
  }

  expect_failures = [var.name]
}
