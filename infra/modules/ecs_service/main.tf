data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# Both lookups are read unconditionally: a count on "was the input given" fails at plan when the
# caller passes a value computed during apply (e.g. the S3 endpoint's prefix list id).
data "aws_vpc" "this" {
  id = var.vpc_id
}

# ECR serves image layers from S3, so tasks without NAT pull through the S3 gateway endpoint.
data "aws_prefix_list" "s3" {
  name = "com.amazonaws.${data.aws_region.current.name}.s3"
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  arn_prefix = "arn:${local.partition}"

  vpc_cidr          = coalesce(var.vpc_cidr, data.aws_vpc.this.cidr_block)
  s3_prefix_list_id = coalesce(var.s3_prefix_list_id, data.aws_prefix_list.s3.id)

  service_name   = "${var.name}-web"
  container_name = "app"
  log_group_name = "/ecs/${var.name}"

  # One image, three jobs: the entrypoint picks the process from the command (issue 7).
  task_commands = {
    web       = ["web"]
    migrate   = ["migrate"]
    scheduled = ["run-scheduled"]
  }
  task_families = { for task in keys(local.task_commands) : task => "${var.name}-${task}" }

  # ECR image URI -> repository ARN, so the execution role can pull only this repository.
  ecr_image = regex(
    "^(?:(?P<account>[0-9]{12})\\.dkr\\.ecr\\.(?P<region>[a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/(?P<repository>[^:@]+))?",
    var.image,
  )
  ecr_repository_arn = coalesce(
    var.ecr_repository_arn,
    local.ecr_image.account == null
    ? "${local.arn_prefix}:ecr:${local.region}:${local.account_id}:repository/${var.name}"
    : "${local.arn_prefix}:ecr:${local.ecr_image.region}:${local.ecr_image.account}:repository/${local.ecr_image.repository}",
  )

  container_environment = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
  container_secrets     = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]

  # The single container definition builder; only the command (and the web port) differ.
  container_definitions = {
    for task, command in local.task_commands : task => jsonencode([{
      name                   = local.container_name
      image                  = var.image
      essential              = true
      command                = command
      user                   = "10001"
      readonlyRootFilesystem = true
      stopTimeout            = 30
      environment            = local.container_environment
      secrets                = local.container_secrets
      # The root filesystem is read-only; gunicorn and Python still need a scratch directory.
      mountPoints = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      portMappings = task == "web" ? [{
        containerPort = var.container_port
        hostPort      = var.container_port
        protocol      = "tcp"
      }] : []
      # An init process reaps zombies and forwards SIGTERM so gunicorn drains on deploys.
      linuxParameters = { initProcessEnabled = true }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.tasks.name
          awslogs-region        = local.region
          awslogs-stream-prefix = task
        }
      }
    }])
  }
}

# --- Cluster and logs -------------------------------------------------------------------------

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.enable_container_insights ? "enabled" : "disabled"
  }

  tags = merge(var.tags, { Name = var.name })
}

resource "aws_cloudwatch_log_group" "tasks" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

# --- Security group ---------------------------------------------------------------------------

resource "aws_security_group" "tasks" {
  name        = "${var.name}-tasks"
  description = "SpendWise app tasks: app port from the ALB only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-tasks" })
}

resource "aws_vpc_security_group_ingress_rule" "app_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "App port from the ALB only"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.alb_security_group_id
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https_vpc" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to interface VPC endpoints (ECR, Logs, Secrets Manager, Cognito, STS)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = local.vpc_cidr
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https_s3" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to S3 through the gateway endpoint (ECR image layers, files bucket)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = local.s3_prefix_list_id
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  security_group_id = aws_security_group.tasks.id
  description       = "PostgreSQL inside the VPC (the RDS security group admits only known sources)"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = local.vpc_cidr
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https_internet" {
  count = var.allow_internet_egress ? 1 : 0

  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs without a VPC endpoint, through the NAT gateway"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  tags              = var.tags
}

# --- IAM: execution role (pull image, write logs, read secrets) --------------------------------

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Confused-deputy guard: only ECS acting for this account and region.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${local.arn_prefix}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-ecs-execution"
  description        = "ECS agent for ${var.name}: pull the image, write logs, inject secrets"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "execution" {
  # GetAuthorizationToken has no resource-level permissions: AWS requires "*".
  statement {
    sid       = "EcrAuth"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "EcrPull"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    resources = [local.ecr_repository_arn]
  }

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.tasks.arn}:*"]
  }

  dynamic "statement" {
    for_each = length(var.secret_arns) > 0 ? [1] : []

    content {
      sid       = "ReadSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = var.secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptSecrets"
      actions   = ["kms:Decrypt"]
      resources = var.kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "execution"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# --- IAM: task role (the app's own AWS calls) -------------------------------------------------

resource "aws_iam_role" "task" {
  name               = "${var.name}-ecs-task"
  description        = "SpendWise app in ${var.name}: its own AWS API calls"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = var.tags
}

# Always one document: the optional app policy is merged in as data, never through count, because
# a caller's policy JSON is usually unknown at plan time. The deny keeps a later, too-broad grant
# from letting the web process manage IAM or hop to other roles.
data "aws_iam_policy_document" "task" {
  source_policy_documents = var.task_role_policy_json == null ? [] : [var.task_role_policy_json]

  statement {
    sid    = "DenyIdentityManagement"
    effect = "Deny"
    actions = [
      "iam:AttachRolePolicy", "iam:CreateAccessKey", "iam:CreateRole", "iam:CreateUser",
      "iam:PassRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "sts:AssumeRole",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "task" {
  name   = "app"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# --- Task definitions -------------------------------------------------------------------------
# Terraform defines the three families (command, environment, secrets, roles, sizes); the deploy
# pipeline (spendwise/ops/deploy.py) registers each release as a new revision of the latest one
# with only the image changed, and decides which revision the service runs (docs/delivery.md).

resource "aws_ecs_task_definition" "this" {
  for_each = local.task_commands

  family                   = local.task_families[each.key]
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = local.container_definitions[each.key]

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Fargate task storage, mounted at /tmp in the container.
  volume {
    name = "tmp"
  }

  # A replaced revision stays ACTIVE: the service may still run it (the pipeline owns which one
  # runs), and a rollback can only return to an ACTIVE revision.
  skip_destroy = true

  tags = merge(var.tags, { Name = local.task_families[each.key] })
}

# --- Service ----------------------------------------------------------------------------------

resource "aws_ecs_service" "web" {
  name                               = local.service_name
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.this["web"].arn
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  desired_count                      = var.desired_count
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.health_check_grace_period_seconds
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = local.container_name
    container_port   = var.container_port
  }

  tags = merge(var.tags, { Name = local.service_name })

  lifecycle {
    # Autoscaling owns the running count once the service exists, and the deploy pipeline owns
    # the running revision: an apply must not roll the service back to Terraform's revision.
    ignore_changes = [desired_count, task_definition]
  }

  # Tasks cannot start (nor be stopped cleanly on destroy) without the execution role's policy.
  depends_on = [aws_iam_role_policy.execution]
}

# --- Autoscaling ------------------------------------------------------------------------------

resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.web.name}"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
  tags               = var.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-web-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  resource_id        = aws_appautoscaling_target.web.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target_percent
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  name               = "${var.name}-web-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  resource_id        = aws_appautoscaling_target.web.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}

# --- Scheduled job (EventBridge Scheduler -> ECS RunTask) -------------------------------------

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "scheduler" {
  name               = "${var.name}-scheduler"
  description        = "EventBridge Scheduler: run the ${var.name} run-scheduled task"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
  tags               = var.tags
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    sid     = "RunScheduledTask"
    actions = ["ecs:RunTask"]
    resources = [
      "${local.arn_prefix}:ecs:${local.region}:${local.account_id}:task-definition/${local.task_families["scheduled"]}",
      "${local.arn_prefix}:ecs:${local.region}:${local.account_id}:task-definition/${local.task_families["scheduled"]}:*",
    ]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.this.arn]
    }
  }

  # Managed tags and propagated tags are added at RunTask, which needs TagResource on the task.
  statement {
    sid       = "TagScheduledTask"
    actions   = ["ecs:TagResource"]
    resources = ["${local.arn_prefix}:ecs:${local.region}:${local.account_id}:task/${var.name}/*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RunTask"]
    }
  }

  statement {
    sid       = "PassTaskRoles"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.execution.arn, aws_iam_role.task.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "run-scheduled"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}

resource "aws_scheduler_schedule" "run_scheduled" {
  name                         = "${var.name}-run-scheduled"
  description                  = "SpendWise run-scheduled job: posts what recurring schedules have due"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_timezone
  state                        = "ENABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_ecs_cluster.this.arn
    role_arn = aws_iam_role.scheduler.arn

    ecs_parameters {
      # No revision: RunTask then uses the family's latest ACTIVE revision, i.e. the image the
      # pipeline deployed last (a failed deploy deregisters the revisions it registered).
      task_definition_arn     = aws_ecs_task_definition.this["scheduled"].arn_without_revision
      launch_type             = "FARGATE"
      platform_version        = "LATEST"
      task_count              = 1
      enable_ecs_managed_tags = true
      propagate_tags          = "TASK_DEFINITION"

      network_configuration {
        subnets          = var.private_subnet_ids
        security_groups  = [aws_security_group.tasks.id]
        assign_public_ip = false
      }
    }

    # A missed run is caught up by the next one; do not pile up retries of a periodic job.
    retry_policy {
      maximum_event_age_in_seconds = 600
      maximum_retry_attempts       = 1
    }
  }

  depends_on = [aws_iam_role_policy.scheduler]
}
