# Plan-only tests with a mocked provider: no AWS account, no network.

mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
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
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
}

# A known topic ARN, so the tests can prove every alarm is wired to it.
override_resource {
  target          = aws_sns_topic.alarms
  override_during = plan
  values = {
    arn = "arn:aws:sns:eu-west-1:123456789012:spendwise-test-alarms"
  }
}

variables {
  name                    = "spendwise-test"
  alarm_emails            = ["ops@example.com", "oncall@example.org"]
  kms_key_arn             = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  alb_arn_suffix          = "app/spendwise-test/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/spendwise-test/0123456789abcdef"
  cluster_name            = "spendwise-test"
  service_name            = "spendwise-test-web"
  db_instance_id          = "spendwise-test"
  lambda_function_name    = "spendwise-test-post-confirmation"
  db_allocated_storage_gb = 20
  tags                    = { Project = "spendwise" }
}

run "creates_every_alarm_wired_to_the_topic" {
  command = plan

  assert {
    condition = toset(concat(
      [aws_cloudwatch_metric_alarm.alb_5xx_rate.alarm_name],
      [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name],
      )) == toset([
      "spendwise-test-alb-5xx-rate",
      "spendwise-test-target-p95-latency",
      "spendwise-test-ecs-cpu",
      "spendwise-test-ecs-memory",
      "spendwise-test-rds-cpu",
      "spendwise-test-rds-free-storage",
      "spendwise-test-rds-connections",
      "spendwise-test-lambda-errors",
    ])
    error_message = "Every alarm the contract names must exist: ALB 5xx rate, p95 latency, ECS CPU/memory, RDS CPU/free storage/connections, Lambda errors."
  }

  assert {
    condition = alltrue([
      for alarm in concat([aws_cloudwatch_metric_alarm.alb_5xx_rate], values(aws_cloudwatch_metric_alarm.this)) :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:spendwise-test-alarms"]) &&
      alarm.ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:spendwise-test-alarms"])
    ])
    error_message = "Every alarm must notify the SNS topic when it fires and when it recovers."
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "The alarm topic must be encrypted with the given KMS key."
  }

  assert {
    condition     = toset([for s in aws_sns_topic_subscription.email : s.endpoint]) == toset(["ops@example.com", "oncall@example.org"]) && alltrue([for s in aws_sns_topic_subscription.email : s.protocol == "email"])
    error_message = "Each alarm e-mail gets an e-mail subscription."
  }

  assert {
    condition     = aws_cloudwatch_dashboard.this.dashboard_name == "spendwise-test"
    error_message = "The dashboard is named after the environment."
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 8
    error_message = "The dashboard shows requests, 5xx, latency, ECS CPU/memory, tasks, RDS CPU/connections, storage and the Lambda."
  }
}

run "alarm_thresholds_follow_the_inputs" {
  command = plan

  variables {
    alb_5xx_rate_percent     = 2
    p95_latency_seconds      = 0.5
    rds_free_storage_percent = 25
    db_allocated_storage_gb  = 40
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.alb_5xx_rate.threshold == 2
    error_message = "alb_5xx_rate_percent must be the 5xx alarm's threshold."
  }

  assert {
    condition = anytrue([
      for query in aws_cloudwatch_metric_alarm.alb_5xx_rate.metric_query :
      query.return_data == true && strcontains(coalesce(query.expression, "-"), "/ requests")
    ])
    error_message = "The 5xx alarm must alarm on the 5xx count divided by the request count, not on a raw count."
  }

  assert {
    condition = toset([
      for query in aws_cloudwatch_metric_alarm.alb_5xx_rate.metric_query : query.metric[0].metric_name if length(query.metric) > 0
    ]) == toset(["HTTPCode_Target_5XX_Count", "HTTPCode_ELB_5XX_Count", "RequestCount"])
    error_message = "The 5xx rate must count target and load balancer 5xx over RequestCount."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["target-p95-latency"].extended_statistic == "p95" && aws_cloudwatch_metric_alarm.this["target-p95-latency"].threshold == 0.5
    error_message = "The latency alarm watches p95 against p95_latency_seconds."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["rds-free-storage"].threshold == 10 * 1024 * 1024 * 1024 && aws_cloudwatch_metric_alarm.this["rds-free-storage"].comparison_operator == "LessThanThreshold"
    error_message = "25% of 40 GB is 10 GiB of FreeStorageSpace (bytes), alarming below it."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["lambda-errors"].treat_missing_data == "notBreaching"
    error_message = "A Lambda that is not invoked has no errors: missing data must not alarm."
  }
}

run "refuses_a_malformed_email" {
  command = plan

  variables {
    alarm_emails = ["ops@example.com", "not-an-email"]
  }

  expect_failures = [var.alarm_emails]
}

run "refuses_a_key_that_is_not_an_arn" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/sns"
  }

  expect_failures = [var.kms_key_arn]
}

run "refuses_a_load_balancer_arn_instead_of_its_suffix" {
  command = plan

  variables {
    alb_arn_suffix = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/spendwise-test/0123456789abcdef"
  }

  expect_failures = [var.alb_arn_suffix]
}

run "refuses_a_percentage_above_100" {
  command = plan

  variables {
    ecs_cpu_percent = 150
  }

  expect_failures = [var.ecs_cpu_percent]
}
