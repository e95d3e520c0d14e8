data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix
}

# One customer-managed key for the app's data at rest: secrets, log groups, SNS, the files bucket.
resource "aws_kms_key" "app" {
  description             = "${var.name}: app secrets, logs, notifications and files"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = var.tags
}

resource "aws_kms_alias" "app" {
  name          = "alias/${var.name}-app"
  target_key_id = aws_kms_key.app.key_id
}

data "aws_iam_policy_document" "kms" {
  # In a key policy "*" as resource means this key. The account statement hands access control
  # to IAM, so roles get exactly what their own policies grant (ECS, Lambda, RDS, S3 callers).
  statement {
    sid       = "AccountAdministersThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch Logs encrypts with the key itself, not as a caller: only for this account's
  # log groups in this region.
  statement {
    sid       = "CloudWatchLogsForThisAccount"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${local.dns_suffix}"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  # CloudWatch alarms publish to the encrypted SNS topic as a service, so the key policy (not
  # IAM) must let them create the data key the topic needs.
  statement {
    sid       = "CloudWatchAlarmsToEncryptedTopics"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.${local.dns_suffix}"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# Generated once: later plans read new random values, ignore_changes keeps the stored ones.
# Rotation is a runbook step (docs/deploy.md), because both values must change in step with
# sessions (SECRET_KEY) and CloudFront's origin header (ORIGIN_VERIFY).
data "aws_secretsmanager_random_password" "secret_key" {
  password_length     = 64
  exclude_punctuation = true
}

data "aws_secretsmanager_random_password" "origin_verify" {
  password_length     = 48
  exclude_punctuation = true
}

resource "aws_secretsmanager_secret" "app" {
  name                    = "${var.name}/app"
  description             = "SpendWise ${var.name}: Django SECRET_KEY and the CloudFront origin header value (ORIGIN_VERIFY)."
  kms_key_id              = aws_kms_key.app.arn
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = var.tags
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    SECRET_KEY    = data.aws_secretsmanager_random_password.secret_key.random_password
    ORIGIN_VERIFY = data.aws_secretsmanager_random_password.origin_verify.random_password
  })

  lifecycle {
    ignore_changes = [secret_string]
  }
}
