data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  # Session Manager needs all three to register the instance and carry the port forwarding.
  ssm_services = ["ssm", "ssmmessages", "ec2messages"]

  interface_services = toset(concat(var.interface_services, var.enable_ssm_endpoints ? local.ssm_services : []))

  # "com.amazonaws" in the commercial partition, "cn.com.amazonaws" in China.
  service_prefix = "${data.aws_partition.current.reverse_dns_prefix}.${data.aws_region.current.name}"
}

resource "aws_security_group" "this" {
  name        = "${var.name}-endpoints"
  description = "Interface VPC endpoints of ${var.name}: HTTPS from inside the VPC only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-endpoints" })

  lifecycle {
    create_before_destroy = true
  }
}

# No egress rule: endpoint ENIs only answer connections, which security groups allow as
# return traffic.
resource "aws_vpc_security_group_ingress_rule" "https_from_vpc" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs from resources in the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr

  tags = var.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_services

  vpc_id              = var.vpc_id
  service_name        = "${local.service_prefix}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = var.subnet_ids
  security_group_ids  = [aws_security_group.this.id]
  private_dns_enabled = true # SDKs keep their default hostnames and resolve to the ENIs

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })
}

# Gateway endpoints cost nothing; ECR image layers are served from S3, so pulls need it.
resource "aws_vpc_endpoint" "s3" {
  vpc_id            = var.vpc_id
  service_name      = "${local.service_prefix}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = var.route_table_ids

  tags = merge(var.tags, { Name = "${var.name}-s3" })
}
