mock_provider "aws" {
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

  mock_data "aws_ssm_parameter" {
    defaults = {
      insecure_value = "ami-0123456789abcdef0"
    }
  }
}

variables {
  name      = "spendwise-test"
  vpc_id    = "vpc-0123456789abcdef0"
  subnet_id = "subnet-0aaaaaaaaaaaaaaaa"
  vpc_cidr  = "10.20.0.0/16"
}

run "disabled_by_default_creates_nothing" {
  command = plan

  assert {
    condition = (
      length(aws_instance.this) == 0
      && length(aws_security_group.this) == 0
      && length(aws_vpc_security_group_egress_rule.https_vpc) == 0
      && length(aws_vpc_security_group_egress_rule.https_internet) == 0
      && length(aws_vpc_security_group_egress_rule.postgres) == 0
      && length(aws_iam_role.this) == 0
      && length(aws_iam_role_policy_attachment.ssm_core) == 0
      && length(aws_iam_instance_profile.this) == 0
      && length(data.aws_ssm_parameter.ami) == 0
    )
    error_message = "With enabled = false the module must create nothing."
  }

  assert {
    condition     = output.instance_id == null && output.security_group_id == null
    error_message = "Outputs must be null when the bastion is disabled."
  }
}

run "enabled_bastion_is_private_and_hardened" {
  command = plan

  variables {
    enabled = true
  }

  assert {
    condition     = length(aws_instance.this) == 1 && length(aws_security_group.this) == 1
    error_message = "enabled = true must create the instance and its security group."
  }

  assert {
    condition     = length(aws_security_group.this[0].ingress) == 0
    error_message = "The bastion security group must have no ingress rule at all."
  }

  assert {
    condition     = aws_instance.this[0].associate_public_ip_address == false && aws_instance.this[0].subnet_id == var.subnet_id
    error_message = "The bastion must sit in the given private subnet without a public IP."
  }

  assert {
    condition     = aws_instance.this[0].metadata_options[0].http_tokens == "required" && aws_instance.this[0].metadata_options[0].http_put_response_hop_limit == 1
    error_message = "IMDSv2 must be required."
  }

  assert {
    condition     = aws_instance.this[0].root_block_device[0].encrypted && aws_instance.this[0].root_block_device[0].volume_type == "gp3"
    error_message = "The root volume must be encrypted gp3."
  }

  assert {
    condition     = aws_instance.this[0].monitoring && aws_instance.this[0].ebs_optimized
    error_message = "Detailed monitoring and EBS optimisation must be on."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.ssm_core[0].policy_arn == "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    error_message = "The instance role must carry AmazonSSMManagedInstanceCore."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.https_vpc[0].cidr_ipv4 == var.vpc_cidr && aws_vpc_security_group_egress_rule.https_vpc[0].from_port == 443
      && aws_vpc_security_group_egress_rule.postgres[0].cidr_ipv4 == var.vpc_cidr && aws_vpc_security_group_egress_rule.postgres[0].from_port == 5432
      && length(aws_vpc_security_group_egress_rule.https_internet) == 0
    )
    error_message = "Egress must be HTTPS and PostgreSQL inside the VPC only, unless internet egress is asked for."
  }
}

run "internet_egress_only_on_request" {
  command = plan

  variables {
    enabled               = true
    allow_internet_egress = true
  }

  assert {
    condition     = length(aws_vpc_security_group_egress_rule.https_internet) == 1 && aws_vpc_security_group_egress_rule.https_internet[0].from_port == 443 && aws_vpc_security_group_egress_rule.https_internet[0].to_port == 443
    error_message = "allow_internet_egress must add HTTPS (443 only) to the internet."
  }
}

run "invalid_vpc_cidr_is_refused" {
  command = plan

  variables {
    vpc_cidr = "10.20.0.0/40"
  }

  expect_failures = [var.vpc_cidr]
}

run "relative_ami_parameter_is_refused" {
  command = plan

  variables {
    ami_ssm_parameter = "aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
  }

  expect_failures = [var.ami_ssm_parameter]
}

run "bad_kms_key_is_refused" {
  command = plan

  variables {
    kms_key_arn = "alias/aws/ebs"
  }

  expect_failures = [var.kms_key_arn]
}
