# Mocked values of the aws.us_east_1 provider (CloudFront's certificate, WAF and logs).

mock_data "aws_iam_policy_document" {
  defaults = { json = "{}" }
}
mock_data "aws_region" {
  defaults = { name = "us-east-1" }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
}
mock_resource "aws_acm_certificate" {
  defaults = {
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/66666666-7777-8888-9999-000000000000"
    domain_validation_options = [{
      domain_name           = "app.example.com"
      resource_record_name  = "_1123456789abcdef.app.example.com."
      resource_record_type  = "CNAME"
      resource_record_value = "_ffcba9876543210.acm-validations.aws."
    }]
  }
}
mock_resource "aws_wafv2_web_acl" {
  defaults = { arn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/spendwise-prod/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-spendwise-prod" }
}
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::spendwise-prod-edge-logs-123456789012" }
}
