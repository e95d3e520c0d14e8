output "kms_key_arn" {
  description = "ARN of the app CMK (rotation on)."
  value       = aws_kms_key.app.arn
}

output "kms_key_id" {
  description = "Key id of the app CMK."
  value       = aws_kms_key.app.key_id
}

output "kms_alias_name" {
  description = "Alias of the app CMK (alias/<name>-app)."
  value       = aws_kms_alias.app.name
}

output "app_secret_arn" {
  description = "ARN of the \"<name>/app\" secret (JSON with SECRET_KEY and ORIGIN_VERIFY)."
  value       = aws_secretsmanager_secret.app.arn
}

output "secret_key_ref" {
  description = "ECS secret reference to the SECRET_KEY field: \"<arn>:SECRET_KEY::\"."
  value       = "${aws_secretsmanager_secret.app.arn}:SECRET_KEY::"
}

output "origin_verify_ref" {
  description = "ECS secret reference to the ORIGIN_VERIFY field: \"<arn>:ORIGIN_VERIFY::\"."
  value       = "${aws_secretsmanager_secret.app.arn}:ORIGIN_VERIFY::"
}

output "origin_verify_value" {
  description = "The shared X-Origin-Verify header value CloudFront sends and the ALB checks."
  value       = jsondecode(aws_secretsmanager_secret_version.app.secret_string)["ORIGIN_VERIFY"]
  sensitive   = true
}
