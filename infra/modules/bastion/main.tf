data "aws_partition" "current" {}

locals {
  count = var.enabled ? 1 : 0
}

data "aws_ssm_parameter" "ami" {
  count = local.count

  name = var.ami_ssm_parameter
}

resource "aws_security_group" "this" {
  count = local.count

  name        = "${var.name}-bastion"
  description = "Bastion of ${var.name}: no inbound at all (Session Manager only), out to HTTPS and PostgreSQL"
  vpc_id      = var.vpc_id

  # Managing ingress as an empty list also strips any rule someone adds by hand.
  ingress = []

  tags = merge(var.tags, { Name = "${var.name}-bastion" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "https_vpc" {
  count = local.count

  security_group_id = aws_security_group.this[0].id
  description       = "HTTPS to the Session Manager VPC endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https_internet" {
  count = var.enabled && var.allow_internet_egress ? 1 : 0

  security_group_id = aws_security_group.this[0].id
  description       = "HTTPS to Session Manager through the NAT gateway"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = var.tags
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  count = local.count

  security_group_id = aws_security_group.this[0].id
  description       = "PostgreSQL to RDS (the RDS security group admits this group)"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = var.vpc_cidr

  tags = var.tags
}

data "aws_iam_policy_document" "assume" {
  count = local.count

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  count = local.count

  name               = "${var.name}-bastion"
  assume_role_policy = data.aws_iam_policy_document.assume[0].json

  tags = var.tags
}

# The AWS-managed policy is what Session Manager documents for the agent; it grants nothing
# beyond SSM messaging and instance registration.
resource "aws_iam_role_policy_attachment" "ssm_core" {
  count = local.count

  role       = aws_iam_role.this[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  count = local.count

  name = "${var.name}-bastion"
  role = aws_iam_role.this[0].name

  tags = var.tags
}

resource "aws_instance" "this" {
  count = local.count

  ami                         = data.aws_ssm_parameter.ami[0].insecure_value
  instance_type               = var.instance_type
  subnet_id                   = var.subnet_id
  vpc_security_group_ids      = [aws_security_group.this[0].id]
  iam_instance_profile        = aws_iam_instance_profile.this[0].name
  associate_public_ip_address = false
  monitoring                  = true
  ebs_optimized               = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    encrypted             = true
    kms_key_id            = var.kms_key_arn
    delete_on_termination = true

    tags = merge(var.tags, { Name = "${var.name}-bastion" })
  }

  tags = merge(var.tags, { Name = "${var.name}-bastion" })

  lifecycle {
    # A newer AMI in the parameter would otherwise replace the bastion on every apply; the
    # bastion is short-lived (turn it off and on again to pick up the latest image).
    ignore_changes = [ami]
  }
}
