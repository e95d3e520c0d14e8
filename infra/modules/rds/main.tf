data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id     = data.aws_caller_identity.current.account_id
  region         = data.aws_region.current.name
  partition      = data.aws_partition.current.partition
  major_version  = split(".", var.engine_version)[0]
  create_kms_key = var.create_kms_key != null ? var.create_kms_key : var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
  # RDS writes exported logs to these names; created here so they get retention and the CMK.
  log_exports = ["postgresql", "upgrade"]
}

# Only when the caller brings no key: storage, the managed master secret, Performance Insights
# and the exported logs are all encrypted with a customer-managed key either way.
resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "${var.name}: RDS storage, master secret, Performance Insights and logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/${var.name}-rds"
  target_key_id = aws_kms_key.this[0].key_id
}

data "aws_iam_policy_document" "kms" {
  # "*" in a key policy means this key; the account statement delegates to IAM policies.
  statement {
    sid       = "AccountAdministersThroughIam"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsForThisAccount"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.${data.aws_partition.current.dns_suffix}"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }
}

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "${var.name}: database subnets (no route to the internet)"
  subnet_ids  = var.database_subnet_ids
  tags        = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-rds"
  description = "${var.name} PostgreSQL: only from the listed security groups"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-rds" })

  # No egress rules: Terraform removes AWS's default allow-all and the database calls nothing.
}

resource "aws_vpc_security_group_ingress_rule" "postgres" {
  for_each = var.allowed_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value
  tags                         = var.tags
}

# Named after the major version: an upgrade creates the next family's group before the old
# one is dropped.
resource "aws_db_parameter_group" "this" {
  name        = "${var.name}-postgres${local.major_version}"
  family      = "postgres${local.major_version}"
  description = "${var.name}: TLS only, slow-query and DDL logging"
  tags        = var.tags

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "ssl_min_protocol_version"
    value = "TLSv1.2"
  }

  # Off by default: psycopg binds parameters on the client, so a logged statement carries its
  # literal values (amounts, e-mails) into CloudWatch. The app logs slow queries without them
  # (spendwise.db.slow, docs/observability.md).
  parameter {
    name  = "log_min_duration_statement"
    value = tostring(var.log_min_duration_ms)
  }

  # The text of a failing statement would carry the same values; the error itself is still logged.
  parameter {
    name  = "log_min_error_statement"
    value = "panic"
  }

  # Schema changes are rare and worth an audit line; data statements would log personal data.
  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "exports" {
  for_each = toset(local.log_exports)

  name              = "/aws/rds/instance/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name               = "${var.name}-rds-monitoring"
  description        = "Enhanced Monitoring for ${var.name}'s database"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = local.kms_key_arn

  db_name  = var.db_name
  username = var.username
  # RDS generates the password, keeps it in Secrets Manager and rotates it: it never passes
  # through Terraform state.
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = local.kms_key_arn
  iam_database_authentication_enabled = true

  port                   = 5432
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = var.publicly_accessible
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.this.name
  # No ca_cert_identifier: new instances get rds-ca-rsa2048-g1 by default, and setting it makes
  # provider 5.100 send a ModifyDBInstance after every create (hashicorp/terraform-provider-aws#40911).

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.name}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = var.allow_major_version_upgrade
  apply_immediately           = var.apply_immediately

  enabled_cloudwatch_logs_exports       = local.log_exports
  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null
  performance_insights_enabled          = var.performance_insights
  performance_insights_kms_key_id       = var.performance_insights ? local.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights ? 7 : null

  tags = merge(var.tags, { Name = var.name })

  depends_on = [aws_cloudwatch_log_group.exports, aws_iam_role_policy_attachment.monitoring]
}
