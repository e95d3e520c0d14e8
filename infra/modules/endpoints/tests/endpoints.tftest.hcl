mock_provider "aws" {
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition          = "aws"
      reverse_dns_prefix = "com.amazonaws"
    }
  }
}

variables {
  name            = "spendwise-test"
  vpc_id          = "vpc-0123456789abcdef0"
  vpc_cidr        = "10.20.0.0/16"
  subnet_ids      = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  route_table_ids = ["rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb", "rtb-0cccccccccccccccc"]
}

run "defaults_create_the_app_endpoints_without_ssm" {
  command = plan

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "cognito-idp", "sts"])
    error_message = "The default interface endpoints are the app's services, without the SSM ones."
  }

  assert {
    condition     = aws_vpc_endpoint.interface["ecr.dkr"].service_name == "com.amazonaws.eu-west-1.ecr.dkr"
    error_message = "Service names must be built from the partition prefix and the region."
  }

  assert {
    condition     = alltrue([for e in aws_vpc_endpoint.interface : e.private_dns_enabled && e.vpc_endpoint_type == "Interface"])
    error_message = "Interface endpoints must have private DNS enabled."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway" && aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-1.s3" && length(aws_vpc_endpoint.s3.route_table_ids) == 3
    error_message = "S3 must be a gateway endpoint on every given route table."
  }
}

run "endpoint_sg_admits_https_from_the_vpc_only" {
  command = plan

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.https_from_vpc.cidr_ipv4 == var.vpc_cidr
      && aws_vpc_security_group_ingress_rule.https_from_vpc.from_port == 443
      && aws_vpc_security_group_ingress_rule.https_from_vpc.to_port == 443
      && aws_vpc_security_group_ingress_rule.https_from_vpc.ip_protocol == "tcp"
      && aws_vpc_security_group_ingress_rule.https_from_vpc.cidr_ipv6 == null
      && aws_vpc_security_group_ingress_rule.https_from_vpc.prefix_list_id == null
      && aws_vpc_security_group_ingress_rule.https_from_vpc.referenced_security_group_id == null
    )
    error_message = "The endpoint security group must admit only TCP 443 from the VPC CIDR."
  }
}

run "ssm_endpoints_when_enabled" {
  command = plan

  variables {
    enable_ssm_endpoints = true
  }

  assert {
    condition     = alltrue([for s in ["ssm", "ssmmessages", "ec2messages"] : contains(keys(aws_vpc_endpoint.interface), s)])
    error_message = "enable_ssm_endpoints must add ssm, ssmmessages and ec2messages."
  }

  assert {
    condition     = length(aws_vpc_endpoint.interface) == 9
    error_message = "The SSM endpoints must be added to, not replace, the app's endpoints."
  }
}

run "no_ssm_endpoints_when_disabled" {
  command = plan

  variables {
    enable_ssm_endpoints = false
  }

  assert {
    condition     = length(setintersection(toset(keys(aws_vpc_endpoint.interface)), toset(["ssm", "ssmmessages", "ec2messages"]))) == 0
    error_message = "Without enable_ssm_endpoints there must be no SSM endpoint."
  }
}

run "s3_interface_endpoint_is_refused" {
  command = plan

  variables {
    interface_services = ["ecr.api", "s3"]
  }

  expect_failures = [var.interface_services]
}

run "full_service_name_is_refused" {
  command = plan

  variables {
    interface_services = ["com.amazonaws.eu-west-1.logs"]
  }

  expect_failures = [var.interface_services]
}

run "invalid_vpc_cidr_is_refused" {
  command = plan

  variables {
    vpc_cidr = "10.20.0.0"
  }

  expect_failures = [var.vpc_cidr]
}

run "empty_subnet_ids_are_refused" {
  command = plan

  variables {
    subnet_ids = []
  }

  expect_failures = [var.subnet_ids]
}
