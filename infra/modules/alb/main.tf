data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# Only CloudFront may reach the ALB: the AWS-managed list of CloudFront's origin-facing addresses.
data "aws_ec2_managed_prefix_list" "cloudfront" {
  count = var.cloudfront_prefix_list_id == null ? 1 : 0

  name = "com.amazonaws.global.cloudfront.origin-facing"
}

locals {
  # ALB and target group names are capped at 32 characters.
  short_name = trim(substr(var.name, 0, 27), "-")
  lb_name    = "${local.short_name}-alb"
  tg_name    = "${local.short_name}-web"

  cloudfront_prefix_list_id = coalesce(var.cloudfront_prefix_list_id, one(data.aws_ec2_managed_prefix_list.cloudfront[*].id))

  account_id    = data.aws_caller_identity.current.account_id
  logs_bucket   = "${var.name}-alb-logs-${local.account_id}"
  logs_prefix   = "alb"
  logs_resource = "arn:${data.aws_partition.current.partition}:s3:::${local.logs_bucket}/${local.logs_prefix}/AWSLogs/${local.account_id}/*"

  # Regions opened before August 2022 deliver ALB logs from a regional ELB account instead of the
  # logdelivery.elasticloadbalancing.amazonaws.com service principal; grant both so any region works.
  elb_account_regions = toset([
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
    "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1",
    "eu-north-1", "me-south-1", "sa-east-1", "us-gov-west-1", "us-gov-east-1", "cn-north-1",
    "cn-northwest-1",
  ])
  use_elb_account = contains(local.elb_account_regions, data.aws_region.current.name)

  origin_header = "X-Origin-Verify"
}

# --- Security group ---------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "SpendWise ALB: HTTPS from CloudFront origin-facing addresses only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-alb" })
}

resource "aws_vpc_security_group_ingress_rule" "https_from_cloudfront" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from CloudFront origin-facing servers only"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = local.cloudfront_prefix_list_id
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "to_tasks" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTP to app tasks on the container port inside the VPC"
  ip_protocol       = "tcp"
  from_port         = var.container_port
  to_port           = var.container_port
  cidr_ipv4         = var.vpc_cidr
  tags              = var.tags
}

# --- Access-log bucket ------------------------------------------------------------------------
# ALB log delivery supports only SSE-S3, so this bucket cannot use the app CMK.

resource "aws_s3_bucket" "access_logs" {
  bucket        = local.logs_bucket
  force_destroy = var.access_logs_bucket_force_destroy
  tags          = merge(var.tags, { Name = local.logs_bucket })
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_logs_expiration_days
    }

    # Versioning guards against overwrite; old versions need not outlive the logs themselves.
    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.access_logs]
}

data "aws_elb_service_account" "current" {
  count = local.use_elb_account ? 1 : 0
}

data "aws_iam_policy_document" "access_logs" {
  statement {
    sid       = "ElbLogDeliveryServicePrincipal"
    actions   = ["s3:PutObject"]
    resources = [local.logs_resource]

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = data.aws_elb_service_account.current

    content {
      sid       = "ElbLogDeliveryRegionalAccount"
      actions   = ["s3:PutObject"]
      resources = [local.logs_resource]

      principals {
        type        = "AWS"
        identifiers = [statement.value.arn]
      }
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.access_logs.arn, "${aws_s3_bucket.access_logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = data.aws_iam_policy_document.access_logs.json

  # A public-access block must exist first, or a bucket policy with a "*" principal (the deny)
  # can be refused as public.
  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

# --- Load balancer ----------------------------------------------------------------------------

resource "aws_lb" "this" {
  name                       = local.lb_name
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = var.public_subnet_ids
  idle_timeout               = var.idle_timeout
  enable_deletion_protection = var.deletion_protection
  drop_invalid_header_fields = true
  # "strictest" would also refuse merely non-RFC-compliant requests; defensive is AWS's advice.
  desync_mitigation_mode = "defensive"
  enable_http2           = true

  access_logs {
    bucket  = aws_s3_bucket.access_logs.id
    prefix  = local.logs_prefix
    enabled = true
  }

  tags = merge(var.tags, { Name = local.lb_name })

  # ELB checks that it can write to the bucket when access logs are switched on.
  depends_on = [aws_s3_bucket_policy.access_logs]
}

resource "aws_lb_target_group" "web" {
  name                 = local.tg_name
  target_type          = "ip"
  protocol             = "HTTP"
  port                 = var.container_port
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = var.health_check_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(var.tags, { Name = local.tg_name })
}

# CloudFront talks HTTPS only, so there is no port-80 listener at all.
resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  # Anything that did not come through CloudFront (no or wrong origin header) is refused.
  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Forbidden"
      status_code  = "403"
    }
  }

  tags = var.tags
}

resource "aws_lb_listener_rule" "from_cloudfront" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 1

  condition {
    http_header {
      http_header_name = local.origin_header
      values           = [var.origin_verify_header_value]
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }

  tags = merge(
    var.tags,
    var.origin_verify_secret_arn == null ? {} : { OriginVerifySecret = var.origin_verify_secret_arn },
  )
}
