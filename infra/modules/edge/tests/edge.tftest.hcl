# Plan-only tests with mocked providers: no AWS account, no network.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
}

mock_provider "aws" {
  alias = "us_east_1"
}

variables {
  name                       = "spendwise-test"
  domain_name                = "app.example.com"
  origin_domain_name         = "origin.app.example.com"
  origin_verify_header_value = "0123456789abcdef0123456789abcdef"
  tags                       = { Project = "spendwise" }
}

run "distribution_is_https_only_with_the_origin_header" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021"
    error_message = "Viewers must negotiate TLS 1.2 or newer (TLSv1.2_2021)."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.viewer_certificate[0].ssl_support_method == "sni-only"
    error_message = "The custom certificate must be served with SNI (no dedicated-IP fee)."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.aliases == toset(["app.example.com"])
    error_message = "The distribution must answer for domain_name only."
  }

  assert {
    condition = alltrue([
      for origin in aws_cloudfront_distribution.this.origin :
      origin.domain_name == "origin.app.example.com" &&
      origin.custom_origin_config[0].origin_protocol_policy == "https-only" &&
      origin.custom_origin_config[0].origin_ssl_protocols == toset(["TLSv1.2"])
    ])
    error_message = "CloudFront must reach the ALB over HTTPS (TLS 1.2) only, at origin_domain_name."
  }

  assert {
    condition = alltrue([
      for origin in aws_cloudfront_distribution.this.origin :
      length([for header in origin.custom_header : header if header.name == "X-Origin-Verify"]) == 1
    ])
    error_message = "Every origin request must carry the X-Origin-Verify header the ALB checks."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].viewer_protocol_policy == "redirect-to-https"
    error_message = "Plain HTTP viewers must be redirected to HTTPS."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.http_version == "http2and3" && aws_cloudfront_distribution.this.is_ipv6_enabled
    error_message = "HTTP/2 + HTTP/3 and IPv6 should be on."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.logging_config[0].prefix == "cloudfront/"
    error_message = "Standard access logging must be on."
  }

  assert {
    condition     = aws_s3_bucket.logs.bucket == "spendwise-test-cf-logs-123456789012"
    error_message = "The logs bucket name is <name>-cf-logs-<account id>."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.logs.rule[0].object_ownership == "BucketOwnerPreferred"
    error_message = "CloudFront standard logs need ACLs enabled (BucketOwnerPreferred)."
  }

  assert {
    condition     = aws_acm_certificate.this.domain_name == "app.example.com" && aws_acm_certificate.this.validation_method == "DNS"
    error_message = "The viewer certificate is a DNS-validated ACM certificate for domain_name."
  }

  assert {
    condition     = length(aws_route53_record.certificate_validation) == 0 && length(aws_route53_record.app) == 0 && length(aws_route53_record.origin) == 0
    error_message = "Without hosted_zone_id the module must not write DNS records."
  }
}

run "static_assets_are_cached_and_pages_are_not" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  assert {
    condition     = length(aws_cloudfront_distribution.this.ordered_cache_behavior) == 1 && aws_cloudfront_distribution.this.ordered_cache_behavior[0].path_pattern == "/static/*"
    error_message = "There must be exactly one ordered behaviour, for /static/*."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.ordered_cache_behavior[0].cache_policy_id == "658327ea-f89d-4fab-a63d-7e88639e58f6"
    error_message = "/static/* must use the managed CachingOptimized policy."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.ordered_cache_behavior[0].allowed_methods == toset(["GET", "HEAD"]) && aws_cloudfront_distribution.this.ordered_cache_behavior[0].compress
    error_message = "/static/* is read-only (GET/HEAD) and compressed."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].cache_policy_id == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    error_message = "The default behaviour (pages, API) must use the managed CachingDisabled policy."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.default_cache_behavior[0].origin_request_policy_id == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    error_message = "The default behaviour must forward everything but Host (AllViewerExceptHostHeader)."
  }

  assert {
    condition     = length(aws_cloudfront_distribution.this.default_cache_behavior[0].allowed_methods) == 7
    error_message = "The default behaviour must allow every method (forms and the API post)."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.security.security_headers_config[0].strict_transport_security[0].access_control_max_age_sec >= 31536000
    error_message = "HSTS must be sent with a max-age of at least a year."
  }
}

run "waf_has_the_managed_groups_the_rate_rule_and_logging" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  assert {
    condition     = aws_wafv2_web_acl.this[0].scope == "CLOUDFRONT"
    error_message = "A web ACL for CloudFront must have scope CLOUDFRONT."
  }

  assert {
    condition = toset([
      for rule in aws_wafv2_web_acl.this[0].rule : rule.statement[0].managed_rule_group_statement[0].name
      if length(rule.statement[0].managed_rule_group_statement) > 0
      ]) == toset([
      "AWSManagedRulesCommonRuleSet",
      "AWSManagedRulesKnownBadInputsRuleSet",
      "AWSManagedRulesSQLiRuleSet",
      "AWSManagedRulesAmazonIpReputationList",
    ])
    error_message = "The web ACL must hold exactly the four managed rule groups (no bot control by default)."
  }

  assert {
    condition = length([
      for rule in aws_wafv2_web_acl.this[0].rule : rule
      if try(rule.statement[0].rate_based_statement[0].limit == 2000, false) &&
      try(rule.statement[0].rate_based_statement[0].aggregate_key_type == "IP", false) &&
      try(length(rule.action[0].block) == 1, false)
    ]) == 1
    error_message = "One rate-based rule must block an IP above waf_rate_limit (2000 by default)."
  }

  assert {
    condition     = alltrue([for rule in aws_wafv2_web_acl.this[0].rule : rule.visibility_config[0].cloudwatch_metrics_enabled && rule.visibility_config[0].sampled_requests_enabled])
    error_message = "Every rule must publish metrics and sampled requests."
  }

  assert {
    condition     = length(aws_wafv2_web_acl_logging_configuration.this) == 1
    error_message = "WAF logging must be configured."
  }

  assert {
    condition     = aws_cloudwatch_log_group.waf[0].name == "aws-waf-logs-spendwise-test" && aws_cloudwatch_log_group.waf[0].retention_in_days == 30
    error_message = "WAF logs go to aws-waf-logs-<name> with a retention."
  }
}

run "bot_control_is_added_when_enabled" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    enable_bot_control = true
    waf_rate_limit     = 500
  }

  assert {
    condition = contains([
      for rule in aws_wafv2_web_acl.this[0].rule : rule.statement[0].managed_rule_group_statement[0].name
      if length(rule.statement[0].managed_rule_group_statement) > 0
    ], "AWSManagedRulesBotControlRuleSet")
    error_message = "enable_bot_control must add AWSManagedRulesBotControlRuleSet."
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this[0].rule) == 6
    error_message = "Four managed groups + bot control + the rate rule make six rules."
  }

  assert {
    condition = anytrue([
      for rule in aws_wafv2_web_acl.this[0].rule : try(rule.statement[0].rate_based_statement[0].limit == 500, false)
    ])
    error_message = "waf_rate_limit must reach the rate-based rule."
  }
}

run "without_waf_nothing_waf_is_created" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    enable_waf = false
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_wafv2_web_acl_logging_configuration.this) == 0 && aws_cloudfront_distribution.this.web_acl_id == null
    error_message = "enable_waf = false must leave the distribution without a web ACL."
  }
}

run "with_a_hosted_zone_dns_records_are_written" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    hosted_zone_id = "Z0123456789ABCDEFGHIJ"
    alb_dns_name   = "spendwise-test-123.eu-west-1.elb.amazonaws.com"
    alb_zone_id    = "Z32O12XQLNTSW2"
  }

  assert {
    condition     = length(aws_route53_record.certificate_validation) == 1 && length(aws_acm_certificate_validation.this) == 1
    error_message = "With hosted_zone_id the certificate is validated through Route 53."
  }

  assert {
    condition     = toset(keys(aws_route53_record.app)) == toset(["A", "AAAA"])
    error_message = "domain_name gets A and AAAA aliases to the distribution."
  }

  assert {
    condition     = aws_route53_record.origin[0].name == "origin.app.example.com" && aws_route53_record.origin[0].alias[0].name == "spendwise-test-123.eu-west-1.elb.amazonaws.com"
    error_message = "origin_domain_name gets an alias to the ALB."
  }
}

run "refuses_a_rate_limit_below_waf_minimum" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    waf_rate_limit = 10
  }

  expect_failures = [var.waf_rate_limit]
}

run "refuses_a_malformed_domain" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    domain_name = "https://App.Example.com/"
  }

  expect_failures = [var.domain_name]
}

run "refuses_a_single_label_domain" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    domain_name = "localhost"
  }

  expect_failures = [var.domain_name]
}

run "refuses_an_origin_equal_to_the_domain" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    origin_domain_name = "app.example.com"
  }

  expect_failures = [var.origin_domain_name]
}

run "refuses_a_short_origin_secret" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    origin_verify_header_value = "secret"
  }

  expect_failures = [var.origin_verify_header_value]
}

run "refuses_dns_records_without_the_alb" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    hosted_zone_id = "Z0123456789ABCDEFGHIJ"
  }

  expect_failures = [var.alb_dns_name, var.alb_zone_id]
}

run "refuses_an_unknown_price_class" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    price_class = "PriceClass_Cheap"
  }

  expect_failures = [var.price_class]
}

run "refuses_a_retention_of_zero" {
  command   = plan
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  variables {
    log_retention_days = 0
  }

  expect_failures = [var.log_retention_days]
}
