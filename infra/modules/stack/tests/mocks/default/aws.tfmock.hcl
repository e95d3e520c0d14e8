# Mocked values of the default aws provider for plans of the stack (and the env roots' tests):
# ids and ARNs in their real shapes, because the modules validate them.

mock_data "aws_iam_policy_document" {
  defaults = { json = "{}" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}
mock_data "aws_caller_identity" {
  defaults = { account_id = "123456789012" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
}
mock_data "aws_availability_zones" {
  defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
}
mock_data "aws_ec2_managed_prefix_list" {
  defaults = { id = "pl-4fa04526" }
}
mock_data "aws_prefix_list" {
  defaults = { id = "pl-6da54004" }
}
mock_data "aws_elb_service_account" {
  defaults = { arn = "arn:aws:iam::156460612806:root" }
}
mock_data "aws_ssm_parameter" {
  defaults = { insecure_value = "ami-0123456789abcdef0", value = "ami-0123456789abcdef0" }
}
mock_data "aws_vpc" {
  defaults = { cidr_block = "10.30.0.0/16" }
}
# The origin-verify header and SECRET_KEY: the modules insist on long values.
mock_data "aws_secretsmanager_random_password" {
  defaults = { random_password = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01" }
}

mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_secretsmanager_secret" {
  defaults = { arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-prod/app-AbCdEf" }
}
mock_resource "aws_security_group" {
  defaults = { id = "sg-0123456789abcdef0", arn = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123456789abcdef0" }
}
mock_resource "aws_vpc" {
  defaults = { id = "vpc-0123456789abcdef0" }
}
mock_resource "aws_subnet" {
  defaults = { id = "subnet-0123456789abcdef0" }
}
mock_resource "aws_route_table" {
  defaults = { id = "rtb-0123456789abcdef0" }
}
mock_resource "aws_acm_certificate" {
  defaults = {
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    domain_validation_options = [{
      domain_name           = "origin.app.example.com"
      resource_record_name  = "_0123456789abcdef.origin.app.example.com."
      resource_record_type  = "CNAME"
      resource_record_value = "_fedcba9876543210.acm-validations.aws."
    }]
  }
}
mock_resource "aws_acm_certificate_validation" {
  defaults = { certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555" }
}
mock_resource "aws_ecr_repository" {
  defaults = {
    arn            = "arn:aws:ecr:eu-west-1:123456789012:repository/spendwise-prod"
    repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/spendwise-prod"
  }
}
mock_resource "aws_db_instance" {
  defaults = {
    arn     = "arn:aws:rds:eu-west-1:123456789012:db:spendwise-prod"
    address = "spendwise-prod.abcdefghijkl.eu-west-1.rds.amazonaws.com"
    port    = 5432
    master_user_secret = [{
      secret_arn    = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-11111111-2222-3333-4444-555555555555-AbCdEf"
      kms_key_id    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      secret_status = "active"
    }]
  }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::123456789012:role/spendwise-prod-role" }
}
mock_resource "aws_iam_openid_connect_provider" {
  defaults = { arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
}
mock_resource "aws_s3_bucket" {
  defaults = { arn = "arn:aws:s3:::spendwise-prod-bucket-123456789012" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/spendwise-prod" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:spendwise-prod-post-confirmation" }
}
mock_resource "aws_cognito_user_pool" {
  defaults = {
    id       = "eu-west-1_AbC123xyz"
    arn      = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123xyz"
    endpoint = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz"
  }
}
mock_resource "aws_ecs_cluster" {
  defaults = { arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/spendwise-prod" }
}
mock_resource "aws_lb" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/spendwise-prod/0123456789abcdef"
    arn_suffix = "app/spendwise-prod/0123456789abcdef"
    dns_name   = "spendwise-prod-123456789.eu-west-1.elb.amazonaws.com"
    zone_id    = "Z32O12XQLNTSW2"
  }
}
mock_resource "aws_lb_target_group" {
  defaults = {
    arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/spendwise-prod/0123456789abcdef"
    arn_suffix = "targetgroup/spendwise-prod/0123456789abcdef"
  }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:123456789012:spendwise-prod-alarms" }
}
mock_resource "aws_instance" {
  defaults = { id = "i-0123456789abcdef0" }
}
mock_resource "aws_cloudfront_distribution" {
  defaults = {
    id          = "E1ABCDEFGHIJKL"
    arn         = "arn:aws:cloudfront::123456789012:distribution/E1ABCDEFGHIJKL"
    domain_name = "d111111abcdef8.cloudfront.net"
  }
}
