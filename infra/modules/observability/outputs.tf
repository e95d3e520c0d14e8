output "sns_topic_arn" {
  description = "ARN of the alarm topic (KMS-encrypted); subscribe more endpoints to it as needed."
  value       = aws_sns_topic.alarms.arn
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "alarm_names" {
  description = "Names of every alarm this module creates."
  value       = concat([aws_cloudwatch_metric_alarm.alb_5xx_rate.alarm_name], [for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name])
}
