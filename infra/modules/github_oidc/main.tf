data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  github_oidc_host = "token.actions.githubusercontent.com"
  role_name        = "${var.name}-github-deploy"

  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id
  ecs_arn    = "arn:${local.partition}:ecs:${local.region}:${local.account_id}"

  cluster_name = var.cluster_name != null ? var.cluster_name : element(split("/", var.ecs_cluster_arn), 1)
  cluster_arn  = var.ecs_cluster_arn != null ? var.ecs_cluster_arn : "${local.ecs_arn}:cluster/${local.cluster_name}"
  service_arn  = "${local.ecs_arn}:service/${local.cluster_name}/${var.service_name}"
  tasks_arn    = "${local.ecs_arn}:task/${local.cluster_name}/*"

  migrate_family   = coalesce(var.migrate_task_family, "${var.task_family_prefix}-migrate")
  app_families_arn = "${local.ecs_arn}:task-definition/${var.task_family_prefix}*:*"

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn

  # Exact subjects only (StringEquals): one branch of one repository, and/or one environment.
  trusted_subjects = concat(
    var.trust_branch ? ["repo:${var.repository}:ref:refs/heads/${var.branch}"] : [],
    var.environment == null ? [] : ["repo:${var.repository}:environment:${var.environment}"],
  )

  passable_role_arns = distinct(concat(var.task_role_arns, var.execution_role_arns))
  log_stream_arns    = [for arn in var.log_group_arns : "${trimsuffix(arn, ":*")}:log-stream:*"]
}

# GitHub's OIDC issuer; AWS trusts its certificate through its own CA library, so no thumbprint
# needs pinning.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.github_oidc_host}"
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "GitHubActionsDeploy"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = local.trusted_subjects
    }
  }
}

resource "aws_iam_role" "deploy" {
  name                 = local.role_name
  description          = "GitHub Actions deploys of ${var.repository} (${var.branch}) to ${var.name}"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

data "aws_iam_policy_document" "deploy" {
  # GetAuthorizationToken has no resource-level permissions: AWS requires "*".
  statement {
    sid       = "EcrLogin"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "EcrPushPullAppRepository"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:CompleteLayerUpload",
      "ecr:DescribeImageScanFindings",
      "ecr:DescribeImages",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:PutImage",
      "ecr:UploadLayerPart",
    ]
    resources = [var.ecr_repository_arn]
  }

  # None of these supports resource-level permissions; what a new revision may do is bounded
  # by the PassRole statement below. A failed deploy deregisters the revisions it registered, so
  # that the scheduled job (which runs its family's latest ACTIVE revision) keeps the old image.
  statement {
    sid       = "EcsTaskDefinitions"
    actions   = ["ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "EcsDeployAppService"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService"]
    resources = [local.service_arn]
  }

  statement {
    sid       = "EcsRunMigrations"
    actions   = ["ecs:RunTask"]
    resources = ["${local.ecs_arn}:task-definition/${local.migrate_family}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  statement {
    sid       = "EcsWatchTasks"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [local.tasks_arn]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }

  # Tags copied onto a new revision or a migration task need TagResource, only while creating.
  statement {
    sid       = "EcsTagOnCreate"
    actions   = ["ecs:TagResource"]
    resources = [local.app_families_arn, local.tasks_arn]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition", "RunTask"]
    }
  }

  statement {
    sid       = "PassAppRolesToEcsTasks"
    actions   = ["iam:PassRole"]
    resources = local.passable_role_arns

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = length(local.log_stream_arns) > 0 ? [1] : []
    content {
      sid       = "ReadMigrationLogs"
      actions   = ["logs:GetLogEvents"]
      resources = local.log_stream_arns
    }
  }

  # The smoke test signs in as a dedicated user whose credentials live in Secrets Manager.
  dynamic "statement" {
    for_each = length(var.smoke_secret_arns) > 0 ? [1] : []
    content {
      sid       = "ReadSmokeUser"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = var.smoke_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.smoke_secret_kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "DecryptSmokeUser"
      actions   = ["kms:Decrypt"]
      resources = var.smoke_secret_kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

# --- Terraform plan role (pull requests) ------------------------------------------------------
# `terraform plan` refreshes every resource: it reads the whole account's configuration of what
# the stack manages. ReadOnlyAccess is AWS's maintained list of those read actions; what it lacks
# for a plan is added below (the state and its lock, the key, Terraform-managed secret values),
# and what it grants beyond a plan's need that holds user data is denied.

locals {
  apply_environment = var.create_terraform_roles ? coalesce(var.terraform_apply_environment, var.environment) : null
  state_object_arn  = var.create_terraform_roles ? "${var.terraform_state_bucket_arn}/${var.terraform_state_key}" : null
  managed_policy    = "arn:${local.partition}:iam::aws:policy"
}

data "aws_iam_policy_document" "plan_trust" {
  count = var.create_terraform_roles ? 1 : 0

  statement {
    sid     = "GitHubActionsPullRequestPlan"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    # Pull requests of this repository only. GitHub gives no OIDC token to workflows of pull
    # requests from forks, so only people who can push a branch here reach this role.
    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = ["repo:${var.repository}:pull_request"]
    }
  }
}

resource "aws_iam_role" "plan" {
  count = var.create_terraform_roles ? 1 : 0

  name                 = "${var.name}-github-terraform-plan"
  description          = "GitHub Actions terraform plan of ${var.repository} pull requests for ${var.name} (read-only)"
  assume_role_policy   = data.aws_iam_policy_document.plan_trust[0].json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  count = var.create_terraform_roles ? 1 : 0

  role       = aws_iam_role.plan[0].name
  policy_arn = "${local.managed_policy}/ReadOnlyAccess"
}

data "aws_iam_policy_document" "plan" {
  count = var.create_terraform_roles ? 1 : 0

  statement {
    sid       = "StateBucketList"
    actions   = ["s3:ListBucket"]
    resources = [var.terraform_state_bucket_arn]
  }

  statement {
    sid       = "StateRead"
    actions   = ["s3:GetObject"]
    resources = [local.state_object_arn]
  }

  # S3-native locking (use_lockfile): a plan creates and deletes <key>.tflock, nothing else.
  statement {
    sid       = "StateLock"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
    resources = ["${local.state_object_arn}.tflock"]
  }

  statement {
    sid       = "StateKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.terraform_state_kms_key_arn]
  }

  dynamic "statement" {
    for_each = length(var.terraform_plan_secret_arns) > 0 ? [1] : []
    content {
      sid       = "RefreshManagedSecretValues"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = var.terraform_plan_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.terraform_plan_kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "DecryptManagedSecretValues"
      actions   = ["kms:Decrypt"]
      resources = var.terraform_plan_kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }

  # ReadOnlyAccess reads data as well as configuration; a plan needs none of these.
  statement {
    sid    = "DenyUserData"
    effect = "Deny"
    actions = [
      "cognito-idp:AdminGetUser",
      "cognito-idp:ListUsers",
      "cognito-idp:ListUsersInGroup",
      "logs:FilterLogEvents",
      "logs:GetLogEvents",
      "logs:StartLiveTail",
      "logs:StartQuery",
    ]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(var.terraform_plan_denied_bucket_arns) > 0 ? [1] : []
    content {
      sid       = "DenyUserFiles"
      effect    = "Deny"
      actions   = ["s3:GetObject", "s3:GetObjectVersion"]
      resources = [for arn in var.terraform_plan_denied_bucket_arns : "${arn}/*"]
    }
  }
}

resource "aws_iam_role_policy" "plan" {
  count = var.create_terraform_roles ? 1 : 0

  name   = "terraform-plan"
  role   = aws_iam_role.plan[0].id
  policy = data.aws_iam_policy_document.plan[0].json
}

# --- Terraform apply role (main, behind the environment) --------------------------------------
# A full apply creates and changes IAM roles, KMS keys, VPCs, RDS, CloudFront, WAF, Cognito ...:
# scoping it below AdministratorAccess would need a policy as wide as the stack, kept in step
# with every module, and IAM write access makes any such scope escapable anyway. So the honest
# grant is AdministratorAccess, and the control is who may assume the role: only jobs running in
# the GitHub environment (required reviewers for prod, deployment branch `branch`).

data "aws_iam_policy_document" "apply_trust" {
  count = var.create_terraform_roles ? 1 : 0

  statement {
    sid     = "GitHubActionsEnvironmentApply"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.github_oidc_host}:sub"
      values   = ["repo:${var.repository}:environment:${local.apply_environment}"]
    }
  }
}

resource "aws_iam_role" "apply" {
  count = var.create_terraform_roles ? 1 : 0

  name                 = "${var.name}-github-terraform-apply"
  description          = "GitHub Actions terraform apply of ${var.repository} to ${var.name} (environment ${local.apply_environment})"
  assume_role_policy   = data.aws_iam_policy_document.apply_trust[0].json
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "apply_administrator" {
  count = var.create_terraform_roles ? 1 : 0

  role       = aws_iam_role.apply[0].name
  policy_arn = "${local.managed_policy}/AdministratorAccess"
}
