mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    }
  }

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

variables {
  name = "spendwise-test"
}

run "defaults_plan_two_azs_without_nat" {
  command = plan

  assert {
    condition     = length(output.azs) == 2 && length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2 && length(aws_subnet.database) == 2
    error_message = "The default plan must spread one public, private and database subnet over each of 2 AZs."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 && length(aws_route.private_nat) == 0
    error_message = "enable_nat_gateway = false must create no NAT gateway, EIP or NAT route."
  }

  assert {
    condition     = output.nat_gateway_count == 0
    error_message = "nat_gateway_count must be 0 without NAT."
  }

  assert {
    condition     = aws_subnet.private[0].cidr_block == "10.20.0.0/19" && aws_subnet.public[0].cidr_block == "10.20.128.0/20" && aws_subnet.database[1].cidr_block == "10.20.208.0/20"
    error_message = "The subnet address plan changed."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.public : !s.map_public_ip_on_launch])
    error_message = "Public subnets must not hand out public IPs on launch."
  }

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_cloudwatch_log_group.flow_logs.retention_in_days == 30
    error_message = "Flow logs must capture ALL traffic into a group with retention."
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group must be left without rules."
  }
}

run "single_nat_gateway" {
  command = plan

  variables {
    enable_nat_gateway = true
    single_nat_gateway = true
    az_count           = 3
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_eip.nat) == 1
    error_message = "single_nat_gateway = true must create exactly one NAT gateway."
  }

  assert {
    condition     = length(aws_route.private_nat) == 3
    error_message = "Every private route table must route to the NAT gateway."
  }
}

run "nat_gateway_per_az" {
  command = plan

  variables {
    enable_nat_gateway = true
    single_nat_gateway = false
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 2 && output.nat_gateway_count == 2
    error_message = "single_nat_gateway = false must create one NAT gateway per AZ."
  }
}

run "smallest_vpc_still_fits" {
  command = plan

  variables {
    vpc_cidr = "10.30.7.0/24"
    az_count = 3
  }

  assert {
    condition     = aws_subnet.private[2].cidr_block == "10.30.7.64/27" && aws_subnet.database[2].cidr_block == "10.30.7.224/28"
    error_message = "A /24 VPC must still yield /27 private and /28 database subnets."
  }
}

run "disjoint_peer_cidrs_are_accepted" {
  command = plan

  variables {
    vpc_cidr   = "10.20.0.0/16"
    peer_cidrs = ["10.21.0.0/16", "192.168.0.0/24", "10.0.0.0/12"]
  }
}

run "overlapping_peer_cidr_is_refused" {
  command = plan

  variables {
    vpc_cidr   = "10.20.0.0/16"
    peer_cidrs = ["192.168.0.0/24", "10.20.128.0/24"]
  }

  expect_failures = [var.peer_cidrs]
}

run "peer_cidr_containing_the_vpc_is_refused" {
  command = plan

  variables {
    vpc_cidr   = "10.20.0.0/16"
    peer_cidrs = ["10.0.0.0/8"]
  }

  expect_failures = [var.peer_cidrs]
}

run "invalid_peer_cidr_is_refused" {
  command = plan

  variables {
    peer_cidrs = ["10.300.0.0/16"]
  }

  expect_failures = [var.peer_cidrs]
}

run "one_az_is_refused" {
  command = plan

  variables {
    az_count = 1
  }

  expect_failures = [var.az_count]
}

run "four_azs_are_refused" {
  command = plan

  variables {
    az_count = 4
  }

  expect_failures = [var.az_count]
}

run "invalid_cidr_is_refused" {
  command = plan

  variables {
    vpc_cidr = "10.20.0.0/33"
  }

  expect_failures = [var.vpc_cidr]
}

run "unaligned_cidr_is_refused" {
  command = plan

  variables {
    vpc_cidr = "10.20.1.0/16"
  }

  expect_failures = [var.vpc_cidr]
}

run "too_large_vpc_is_refused" {
  command = plan

  variables {
    vpc_cidr = "10.0.0.0/8"
  }

  expect_failures = [var.vpc_cidr]
}

run "flow_log_retention_zero_is_refused" {
  command = plan

  variables {
    flow_log_retention_days = 0
  }

  expect_failures = [var.flow_log_retention_days]
}

run "bad_name_is_refused" {
  command = plan

  variables {
    name = "SpendWise_Dev"
  }

  expect_failures = [var.name]
}
