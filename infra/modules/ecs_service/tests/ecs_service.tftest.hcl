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
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  mock_data "aws_vpc" {
    defaults = {
      cidr_block = "10.20.0.0/16"
    }
  }
  mock_data "aws_prefix_list" {
    defaults = {
      id = "pl-6da54004"
    }
  }
}

variables {
  name                    = "spendwise-test"
  tags                    = { Project = "spendwise" }
  vpc_id                  = "vpc-0123456789abcdef0"
  private_subnet_ids      = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  alb_security_group_id   = "sg-0123456789abcdef0"
  target_group_arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/spendwise-test-web/0123456789abcdef"
  alb_arn_suffix          = "app/spendwise-test-alb/0123456789abcdef"
  target_group_arn_suffix = "targetgroup/spendwise-test-web/0123456789abcdef"
  image                   = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/spendwise-test:1.0.0"
  environment = {
    DEBUG         = "false"
    ALLOWED_HOSTS = "app.example.com"
  }
  secrets = {
    SECRET_KEY = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-test/app-AbCdEf:SECRET_KEY::"
  }
  secret_arns  = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-test/app-AbCdEf"]
  kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
}

run "web_container_is_hardened" {
  command = plan

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].readonlyRootFilesystem == true
    error_message = "The web container must run with a read-only root filesystem."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].user == "10001" &&
      !contains(["", "0", "root"], split(":", jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].user)[0])
    )
    error_message = "The web container must run as the non-root user 10001."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].mountPoints[0].containerPath == "/tmp"
    error_message = "A writable /tmp volume must be mounted."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].linuxParameters.initProcessEnabled == true
    error_message = "initProcessEnabled must be on."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].portMappings[0].containerPort == 8000
    error_message = "The web container must expose the container port."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].logConfiguration.logDriver == "awslogs"
    error_message = "Containers must log with awslogs."
  }

  assert {
    condition = (
      [for s in jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].secrets : s.name] == ["SECRET_KEY"] &&
      !contains([for e in jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].environment : e.name], "SECRET_KEY")
    )
    error_message = "SECRET_KEY must be injected as an ECS secret, never as a plain variable."
  }

  assert {
    condition = (
      jsondecode(aws_ecs_task_definition.this["web"].container_definitions)[0].command == ["web"] &&
      jsondecode(aws_ecs_task_definition.this["migrate"].container_definitions)[0].command == ["migrate"] &&
      jsondecode(aws_ecs_task_definition.this["scheduled"].container_definitions)[0].command == ["run-scheduled"]
    )
    error_message = "The three task definitions must run web, migrate and run-scheduled."
  }

  assert {
    condition = alltrue([
      for t in aws_ecs_task_definition.this :
      jsondecode(t.container_definitions)[0].readonlyRootFilesystem == true &&
      jsondecode(t.container_definitions)[0].user == "10001"
    ])
    error_message = "Every task (web, migrate, scheduled) must be read-only and non-root."
  }

  assert {
    condition = alltrue([
      for t in aws_ecs_task_definition.this :
      t.network_mode == "awsvpc" && t.requires_compatibilities == toset(["FARGATE"]) && t.cpu == "512" && t.memory == "1024"
    ])
    error_message = "Task definitions must be Fargate/awsvpc with the requested size."
  }
}

run "service_is_private_and_rolls_back" {
  command = plan

  assert {
    condition     = aws_ecs_service.web.network_configuration[0].assign_public_ip == false
    error_message = "Tasks must never get a public IP."
  }

  assert {
    condition = (
      aws_ecs_service.web.deployment_circuit_breaker[0].enable &&
      aws_ecs_service.web.deployment_circuit_breaker[0].rollback
    )
    error_message = "The deployment circuit breaker with rollback must be on."
  }

  assert {
    condition = (
      aws_ecs_service.web.launch_type == "FARGATE" &&
      aws_ecs_service.web.platform_version == "LATEST" &&
      aws_ecs_service.web.deployment_minimum_healthy_percent == 100 &&
      aws_ecs_service.web.deployment_maximum_percent == 200 &&
      !aws_ecs_service.web.enable_execute_command
    )
    error_message = "Fargate LATEST, 100/200 deployments, no ECS Exec."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.app_from_alb.referenced_security_group_id == "sg-0123456789abcdef0" &&
      aws_vpc_security_group_ingress_rule.app_from_alb.cidr_ipv4 == null &&
      aws_vpc_security_group_ingress_rule.app_from_alb.from_port == 8000
    )
    error_message = "Tasks must accept the container port from the ALB security group only."
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.https_internet) == 0
    error_message = "No internet egress unless allow_internet_egress is set."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.https_vpc.cidr_ipv4 == "10.20.0.0/16" &&
      aws_vpc_security_group_egress_rule.postgres.cidr_ipv4 == "10.20.0.0/16" &&
      aws_vpc_security_group_egress_rule.https_s3.prefix_list_id == "pl-6da54004"
    )
    error_message = "Egress must stay inside the VPC and the S3 prefix list."
  }

  assert {
    condition = (
      aws_scheduler_schedule.run_scheduled.schedule_expression == "rate(15 minutes)" &&
      aws_scheduler_schedule.run_scheduled.target[0].ecs_parameters[0].launch_type == "FARGATE" &&
      aws_scheduler_schedule.run_scheduled.target[0].ecs_parameters[0].network_configuration[0].assign_public_ip == false
    )
    error_message = "The scheduled job must run on Fargate in the private subnets without a public IP."
  }

  assert {
    condition     = aws_cloudwatch_log_group.tasks.retention_in_days == 30
    error_message = "The log group must have a retention."
  }
}

run "both_target_tracking_policies_exist" {
  command = plan

  assert {
    condition = (
      aws_appautoscaling_target.web.min_capacity == 2 &&
      aws_appautoscaling_target.web.max_capacity == 6 &&
      aws_appautoscaling_target.web.resource_id == "service/spendwise-test/spendwise-test-web"
    )
    error_message = "The scalable target must cover the web service with min/max."
  }

  assert {
    condition = (
      aws_appautoscaling_policy.cpu.policy_type == "TargetTrackingScaling" &&
      aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization" &&
      aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].target_value == 60
    )
    error_message = "A CPU target-tracking policy must exist."
  }

  assert {
    condition = (
      aws_appautoscaling_policy.requests.policy_type == "TargetTrackingScaling" &&
      aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget" &&
      aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].resource_label == "app/spendwise-test-alb/0123456789abcdef/targetgroup/spendwise-test-web/0123456789abcdef" &&
      aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].target_value == 300
    )
    error_message = "An ALB requests-per-target policy must exist with the ALB/target-group label."
  }
}

run "explicit_network_inputs_win" {
  command = plan

  variables {
    vpc_cidr              = "10.30.0.0/16"
    s3_prefix_list_id     = "pl-0123456789abcdef0"
    allow_internet_egress = true
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.https_vpc.cidr_ipv4 == "10.30.0.0/16" &&
      aws_vpc_security_group_egress_rule.postgres.cidr_ipv4 == "10.30.0.0/16" &&
      aws_vpc_security_group_egress_rule.https_s3.prefix_list_id == "pl-0123456789abcdef0"
    )
    error_message = "Given vpc_cidr and s3_prefix_list_id must win over the lookups."
  }

  assert {
    condition = (
      length(aws_vpc_security_group_egress_rule.https_internet) == 1 &&
      aws_vpc_security_group_egress_rule.https_internet[0].from_port == 443 &&
      aws_vpc_security_group_egress_rule.https_internet[0].to_port == 443
    )
    error_message = "Internet egress, when allowed, is HTTPS only."
  }
}

run "refuses_latest_tag" {
  command = plan

  variables {
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/spendwise-test:latest"
  }

  expect_failures = [var.image]
}

run "refuses_untagged_image" {
  command = plan

  variables {
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/spendwise-test"
  }

  expect_failures = [var.image]
}

run "accepts_a_digest" {
  command = plan

  variables {
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/spendwise-test@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }
}

run "refuses_cpu_300" {
  command = plan

  variables {
    cpu = 300
  }

  expect_failures = [var.cpu]
}

run "refuses_memory_not_matching_cpu" {
  command = plan

  variables {
    cpu    = 256
    memory = 4096
  }

  expect_failures = [var.memory]
}

run "refuses_max_below_min" {
  command = plan

  variables {
    min_count = 4
    max_count = 3
  }

  expect_failures = [var.max_count]
}

run "refuses_desired_outside_min_max" {
  command = plan

  variables {
    desired_count = 10
  }

  expect_failures = [var.desired_count]
}

run "refuses_log_retention_zero" {
  command = plan

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}

run "refuses_a_secret_that_is_not_an_arn" {
  command = plan

  variables {
    secrets = { SECRET_KEY = "plain-text-secret" }
  }

  expect_failures = [var.secrets]
}

run "refuses_a_variable_both_plain_and_secret" {
  command = plan

  variables {
    environment = { SECRET_KEY = "oops" }
  }

  expect_failures = [var.secrets]
}
