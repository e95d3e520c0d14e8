data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.ecr[0].arn : var.kms_key_arn

  # Untagged layers come from rebuilt tags and failed pushes; a week is enough to roll back
  # a half-finished push. Tagged images are kept by count so a rollback target always exists.
  lifecycle_rules = [
    {
      rulePriority = 1
      description  = "Expire untagged images after 7 days"
      selection = {
        tagStatus   = "untagged"
        countType   = "sinceImagePushed"
        countUnit   = "days"
        countNumber = 7
      }
      action = { type = "expire" }
    },
    {
      rulePriority = 2
      description  = "Keep the last ${var.keep_images} tagged images"
      selection = {
        tagStatus      = "tagged"
        tagPatternList = ["*"]
        countType      = "imageCountMoreThan"
        countNumber    = var.keep_images
      }
      action = { type = "expire" }
    },
  ]
}

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  # The account-root statement is the standard key policy: it delegates key use to IAM, where
  # ECR's own grants (created on behalf of the repository's users) are authorised.
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "ecr" {
  count = local.create_kms_key ? 1 : 0

  description             = "${var.name} ECR repository encryption"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json
  tags                    = var.tags
}

resource "aws_kms_alias" "ecr" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-ecr"
  target_key_id = aws_kms_key.ecr[0].key_id
}

resource "aws_ecr_repository" "this" {
  name                 = var.name
  image_tag_mutability = var.image_tag_mutability
  force_delete         = var.force_delete

  image_scanning_configuration {
    scan_on_push = var.scan_on_push
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = local.kms_key_arn
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy     = jsonencode({ rules = local.lifecycle_rules })
}
