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
  mock_data "aws_ec2_managed_prefix_list" {
    defaults = {
      id = "pl-4fa04526"
    }
  }
  mock_data "aws_elb_service_account" {
    defaults = {
      arn = "arn:aws:iam::156460612806:root"
    }
  }
}

variables {
  name                       = "spendwise-test"
  tags                       = { Project = "spendwise" }
  vpc_id                     = "vpc-0123456789abcdef0"
  vpc_cidr                   = "10.20.0.0/16"
  public_subnet_ids          = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  certificate_arn            = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
  origin_verify_secret_arn   = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-test/app-AbCdEf"
  origin_verify_header_value = "0123456789abcdef0123456789abcdef"
  deletion_protection        = false
}

run "ingress_only_from_cloudfront_prefix_list" {
  command = plan

  assert {
    condition     = aws_vpc_security_group_ingress_rule.https_from_cloudfront.prefix_list_id == "pl-4fa04526"
    error_message = "Without an override, ingress must come from the looked-up CloudFront origin-facing prefix list."
  }

  assert {
    condition     = data.aws_ec2_managed_prefix_list.cloudfront[0].name == "com.amazonaws.global.cloudfront.origin-facing"
    error_message = "The lookup must target the CloudFront origin-facing managed prefix list."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.https_from_cloudfront.cidr_ipv4 == null &&
      aws_vpc_security_group_ingress_rule.https_from_cloudfront.cidr_ipv6 == null &&
      aws_vpc_security_group_ingress_rule.https_from_cloudfront.referenced_security_group_id == null
    )
    error_message = "The ALB ingress rule must not use any CIDR or security-group source."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.https_from_cloudfront.from_port == 443 &&
      aws_vpc_security_group_ingress_rule.https_from_cloudfront.to_port == 443 &&
      aws_vpc_security_group_ingress_rule.https_from_cloudfront.ip_protocol == "tcp"
    )
    error_message = "Ingress must be TCP 443 only."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.to_tasks.cidr_ipv4 == "10.20.0.0/16" &&
      aws_vpc_security_group_egress_rule.to_tasks.from_port == 8000 &&
      aws_vpc_security_group_egress_rule.to_tasks.to_port == 8000
    )
    error_message = "Egress must be the container port inside the VPC only."
  }
}

run "prefix_list_override" {
  command = plan

  variables {
    cloudfront_prefix_list_id = "pl-0123456789abcdef0"
  }

  assert {
    condition     = length(data.aws_ec2_managed_prefix_list.cloudfront) == 0
    error_message = "No lookup when the prefix list id is given."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.https_from_cloudfront.prefix_list_id == "pl-0123456789abcdef0"
    error_message = "The given prefix list id must be used."
  }
}

run "listener_refuses_without_origin_header" {
  command = plan

  assert {
    condition     = aws_lb_listener.https.port == 443 && aws_lb_listener.https.protocol == "HTTPS"
    error_message = "The only listener is HTTPS on 443."
  }

  assert {
    condition     = aws_lb_listener.https.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    error_message = "The listener must use the TLS 1.2+ policy by default."
  }

  assert {
    condition = (
      aws_lb_listener.https.default_action[0].type == "fixed-response" &&
      aws_lb_listener.https.default_action[0].fixed_response[0].status_code == "403"
    )
    error_message = "The default action must be a 403 fixed response."
  }

  assert {
    condition     = aws_lb_listener_rule.from_cloudfront.priority == 1 && aws_lb_listener_rule.from_cloudfront.action[0].type == "forward"
    error_message = "Rule priority 1 must forward to the target group."
  }

  assert {
    condition = (
      [for c in aws_lb_listener_rule.from_cloudfront.condition : c.http_header[0].http_header_name]
      == ["X-Origin-Verify"]
    )
    error_message = "Forwarding must require the X-Origin-Verify header (and nothing else)."
  }

  assert {
    condition = nonsensitive(
      one([for c in aws_lb_listener_rule.from_cloudfront.condition : c.http_header[0]]).values
      == toset(["0123456789abcdef0123456789abcdef"])
    )
    error_message = "The header must match exactly the origin verify value."
  }
}

run "load_balancer_hardening" {
  command = plan

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && !aws_lb.this.internal
    error_message = "Internet-facing ALB that drops invalid header fields."
  }

  assert {
    condition     = aws_lb.this.access_logs[0].enabled && aws_s3_bucket.access_logs.bucket == "spendwise-test-alb-logs-123456789012"
    error_message = "Access logs must go to the module's bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.access_logs.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "AES256"
    error_message = "ALB log delivery needs SSE-S3."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.access_logs.block_public_acls &&
      aws_s3_bucket_public_access_block.access_logs.block_public_policy &&
      aws_s3_bucket_public_access_block.access_logs.ignore_public_acls &&
      aws_s3_bucket_public_access_block.access_logs.restrict_public_buckets
    )
    error_message = "The log bucket must block all public access."
  }

  assert {
    condition = (
      aws_lb_target_group.web.target_type == "ip" &&
      aws_lb_target_group.web.port == 8000 &&
      aws_lb_target_group.web.health_check[0].path == "/healthz" &&
      aws_lb_target_group.web.deregistration_delay == "30"
    )
    error_message = "Target group: ip targets on 8000, /healthz, 30 s deregistration."
  }

  assert {
    condition     = length(aws_lb.this.name) <= 32 && length(aws_lb_target_group.web.name) <= 32
    error_message = "ALB and target group names must fit 32 characters."
  }
}

run "long_name_still_fits" {
  command = plan

  variables {
    name = "spendwise-a-very-long-env-name1"
  }

  assert {
    condition     = length(aws_lb.this.name) <= 32 && length(aws_lb_target_group.web.name) <= 32
    error_message = "Names must be shortened to 32 characters."
  }
}

run "refuses_non_arn_certificate" {
  command = plan

  variables {
    certificate_arn = "app.example.com"
  }

  expect_failures = [var.certificate_arn]
}

run "refuses_short_origin_header_value" {
  command = plan

  variables {
    origin_verify_header_value = "short"
  }

  expect_failures = [var.origin_verify_header_value]
}

run "refuses_old_tls_policy" {
  command = plan

  variables {
    ssl_policy = "ELBSecurityPolicy-2016-08"
  }

  expect_failures = [var.ssl_policy]
}

run "refuses_a_single_subnet" {
  command = plan

  variables {
    public_subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa"]
  }

  expect_failures = [var.public_subnet_ids]
}

run "refuses_a_cidr_as_prefix_list" {
  command = plan

  variables {
    cloudfront_prefix_list_id = "0.0.0.0/0"
  }

  expect_failures = [var.cloudfront_prefix_list_id]
}
