output "alb_arn" {
  description = "Load balancer ARN."
  value       = aws_lb.this.arn
}

output "alb_arn_suffix" {
  description = "Load balancer ARN suffix (CloudWatch LoadBalancer dimension, autoscaling resource label)."
  value       = aws_lb.this.arn_suffix
}

output "alb_dns_name" {
  description = "Load balancer DNS name (origin_domain_name must resolve to it)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Load balancer hosted zone id, for a Route 53 alias record."
  value       = aws_lb.this.zone_id
}

output "target_group_arn" {
  description = "Web target group ARN. Depends on the listener rule, so an ECS service using it is only created once the group is attached to the ALB."
  value       = aws_lb_target_group.web.arn

  depends_on = [aws_lb_listener_rule.from_cloudfront]
}

output "target_group_arn_suffix" {
  description = "Web target group ARN suffix (CloudWatch TargetGroup dimension)."
  value       = aws_lb_target_group.web.arn_suffix
}

output "security_group_id" {
  description = "ALB security group id (the tasks allow ingress from it)."
  value       = aws_security_group.alb.id
}

output "https_listener_arn" {
  description = "HTTPS listener ARN."
  value       = aws_lb_listener.https.arn
}

output "access_logs_bucket" {
  description = "Name of the S3 bucket holding ALB access logs."
  value       = aws_s3_bucket.access_logs.id
}
