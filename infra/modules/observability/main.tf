data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  alb_dimensions = { LoadBalancer = var.alb_arn_suffix }
  tg_dimensions  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  ecs_dimensions = { ClusterName = var.cluster_name, ServiceName = var.service_name }
  rds_dimensions = { DBInstanceIdentifier = var.db_instance_id }

  # FreeStorageSpace is reported in bytes.
  free_storage_threshold_bytes = floor(var.db_allocated_storage_gb * var.rds_free_storage_percent / 100 * 1024 * 1024 * 1024)

  # Single-metric alarms. Missing data: no traffic means no errors and no latency to judge
  # (notBreaching); a resource metric that stops arriving keeps its last state ("missing")
  # rather than paging at night for a stopped dev database.
  metric_alarms = {
    "target-p95-latency" = {
      description        = "p95 target response time above ${var.p95_latency_seconds}s for 3 of 5 minutes."
      namespace          = "AWS/ApplicationELB"
      metric_name        = "TargetResponseTime"
      dimensions         = local.tg_dimensions
      statistic          = null
      extended_statistic = "p95"
      comparison         = "GreaterThanThreshold"
      threshold          = var.p95_latency_seconds
      period             = 60
      evaluation_periods = 5
      datapoints         = 3
      missing            = "notBreaching"
    }
    "ecs-cpu" = {
      description        = "ECS service average CPU above ${var.ecs_cpu_percent}% for 5 minutes (autoscaling should have added tasks)."
      namespace          = "AWS/ECS"
      metric_name        = "CPUUtilization"
      dimensions         = local.ecs_dimensions
      statistic          = "Average"
      extended_statistic = null
      comparison         = "GreaterThanThreshold"
      threshold          = var.ecs_cpu_percent
      period             = 60
      evaluation_periods = 5
      datapoints         = 5
      missing            = "missing"
    }
    "ecs-memory" = {
      description        = "ECS service average memory above ${var.ecs_memory_percent}% for 5 minutes."
      namespace          = "AWS/ECS"
      metric_name        = "MemoryUtilization"
      dimensions         = local.ecs_dimensions
      statistic          = "Average"
      extended_statistic = null
      comparison         = "GreaterThanThreshold"
      threshold          = var.ecs_memory_percent
      period             = 60
      evaluation_periods = 5
      datapoints         = 5
      missing            = "missing"
    }
    "rds-cpu" = {
      description        = "Database CPU above ${var.rds_cpu_percent}% for 15 minutes."
      namespace          = "AWS/RDS"
      metric_name        = "CPUUtilization"
      dimensions         = local.rds_dimensions
      statistic          = "Average"
      extended_statistic = null
      comparison         = "GreaterThanThreshold"
      threshold          = var.rds_cpu_percent
      period             = 300
      evaluation_periods = 3
      datapoints         = 3
      missing            = "missing"
    }
    "rds-free-storage" = {
      description        = "Database free storage below ${var.rds_free_storage_percent}% of ${var.db_allocated_storage_gb} GB."
      namespace          = "AWS/RDS"
      metric_name        = "FreeStorageSpace"
      dimensions         = local.rds_dimensions
      statistic          = "Minimum"
      extended_statistic = null
      comparison         = "LessThanThreshold"
      threshold          = local.free_storage_threshold_bytes
      period             = 300
      evaluation_periods = 1
      datapoints         = 1
      missing            = "missing"
    }
    "rds-connections" = {
      description        = "More than ${var.rds_max_connections} open database connections for 10 minutes."
      namespace          = "AWS/RDS"
      metric_name        = "DatabaseConnections"
      dimensions         = local.rds_dimensions
      statistic          = "Maximum"
      extended_statistic = null
      comparison         = "GreaterThanThreshold"
      threshold          = var.rds_max_connections
      period             = 300
      evaluation_periods = 2
      datapoints         = 2
      missing            = "missing"
    }
    "lambda-errors" = {
      description        = "The Cognito PostConfirmation Lambda failed: a confirmed user may have no profile yet."
      namespace          = "AWS/Lambda"
      metric_name        = "Errors"
      dimensions         = { FunctionName = var.lambda_function_name }
      statistic          = "Sum"
      extended_statistic = null
      comparison         = "GreaterThanThreshold"
      threshold          = 0
      period             = 300
      evaluation_periods = 1
      datapoints         = 1
      missing            = "notBreaching"
    }
  }

  alb_5xx_alarm_name = "${var.name}-alb-5xx-rate"
}

# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  display_name      = "SpendWise ${var.name} alarms"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alarms_topic" {
  # The account keeps managing the topic through IAM, as with SNS's default policy.
  statement {
    sid = "AccountManagesTopic"
    actions = [
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:AddPermission",
      "sns:RemovePermission",
      "sns:DeleteTopic",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:Publish",
    ]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }

  # Only this account's alarms in this region may publish as the CloudWatch service.
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${data.aws_partition.current.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms_topic.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# ---------------------------------------------------------------------------------------------
# Alarms
# ---------------------------------------------------------------------------------------------

# 5xx share of all requests: the counts alone would page on a busy day and sleep through an
# outage on a quiet one.
resource "aws_cloudwatch_metric_alarm" "alb_5xx_rate" {
  alarm_name          = local.alb_5xx_alarm_name
  alarm_description   = "More than ${var.alb_5xx_rate_percent}% of requests answered 5xx (targets + load balancer) for 3 of 5 minutes."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alb_5xx_rate_percent
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags

  metric_query {
    id          = "rate"
    label       = "5xx rate (%)"
    expression  = "IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)"
    return_data = true
  }

  metric_query {
    id = "target5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.alb_dimensions
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "elb5xx"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_ELB_5XX_Count"
      dimensions  = local.alb_dimensions
      stat        = "Sum"
      period      = 60
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = local.alb_dimensions
      stat        = "Sum"
      period      = 60
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.metric_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints
  treat_missing_data  = each.value.missing
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------

locals {
  alb = ["AWS/ApplicationELB"]

  dashboard_widgets = [
    {
      title = "Requests"
      stat  = "Sum"
      metrics = [
        concat(local.alb, ["RequestCount", "LoadBalancer", var.alb_arn_suffix]),
      ]
    },
    {
      title = "5xx responses"
      stat  = "Sum"
      metrics = [
        concat(local.alb, ["HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { label = "target 5xx" }]),
        concat(local.alb, ["HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { label = "load balancer 5xx" }]),
      ]
    },
    {
      title = "Target response time (s)"
      stat  = "p95"
      metrics = [
        for p in ["p50", "p95", "p99"] :
        concat(local.alb, ["TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.target_group_arn_suffix, { stat = p, label = p }])
      ]
    },
    {
      title = "ECS CPU and memory (%)"
      stat  = "Average"
      metrics = [
        ["AWS/ECS", "CPUUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name, { label = "CPU" }],
        ["AWS/ECS", "MemoryUtilization", "ClusterName", var.cluster_name, "ServiceName", var.service_name, { label = "memory" }],
      ]
    },
    {
      title = "Running tasks"
      stat  = "Average"
      metrics = [
        ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", var.cluster_name, "ServiceName", var.service_name],
      ]
    },
    {
      title = "RDS CPU (%) and connections"
      stat  = "Average"
      metrics = [
        ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", var.db_instance_id, { label = "CPU %" }],
        ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", var.db_instance_id, { label = "connections", yAxis = "right" }],
      ]
    },
    {
      title = "RDS free storage (bytes)"
      stat  = "Minimum"
      metrics = [
        ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", var.db_instance_id],
      ]
    },
    {
      title = "PostConfirmation Lambda"
      stat  = "Sum"
      metrics = [
        ["AWS/Lambda", "Errors", "FunctionName", var.lambda_function_name, { label = "errors" }],
        ["AWS/Lambda", "Duration", "FunctionName", var.lambda_function_name, { label = "p95 duration (ms)", stat = "p95", yAxis = "right" }],
      ]
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      for index, widget in local.dashboard_widgets : {
        type   = "metric"
        width  = 12
        height = 6
        x      = (index % 2) * 12
        y      = floor(index / 2) * 6
        properties = {
          title   = widget.title
          region  = local.region
          stat    = widget.stat
          period  = 60
          view    = "timeSeries"
          stacked = false
          metrics = widget.metrics
        }
      }
    ]
  })
}
