output "instance_id" {
  description = "ID of the bastion instance (the --target of aws ssm start-session); null when disabled."
  value       = one(aws_instance.this[*].id)
}

output "security_group_id" {
  description = "ID of the bastion's security group, for the RDS ingress rule; null when disabled."
  value       = one(aws_security_group.this[*].id)
}
