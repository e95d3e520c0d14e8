output "db_instance_id" {
  description = "DB instance identifier (the CloudWatch DBInstanceIdentifier dimension)."
  value       = aws_db_instance.this.identifier
}

output "db_instance_arn" {
  description = "ARN of the DB instance."
  value       = aws_db_instance.this.arn
}

output "db_resource_id" {
  description = "Resource id of the DB instance (for rds-db:connect IAM policies)."
  value       = aws_db_instance.this.resource_id
}

output "address" {
  description = "Host name of the database endpoint (DB_HOST)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port (DB_PORT)."
  value       = aws_db_instance.this.port
}

output "db_name" {
  description = "Name of the application database (DB_NAME)."
  value       = aws_db_instance.this.db_name
}

output "username" {
  description = "Master user name (the password is only in the RDS-managed secret)."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret with {\"username\", \"password\"} (DB_SECRET_ARN)."
  # try(): the list is empty until RDS has created the secret, and in emulators without it.
  value = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "kms_key_arn" {
  description = "CMK that encrypts storage, the master secret, Performance Insights and logs (given or created)."
  value       = local.kms_key_arn
}

output "parameter_group_name" {
  description = "Name of the DB parameter group (rds.force_ssl = 1)."
  value       = aws_db_parameter_group.this.name
}

output "log_group_names" {
  description = "CloudWatch log groups of the exported PostgreSQL logs."
  value       = [for group in aws_cloudwatch_log_group.exports : group.name]
}
