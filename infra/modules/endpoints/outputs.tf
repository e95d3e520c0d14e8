output "security_group_id" {
  description = "ID of the security group on the interface endpoints (HTTPS from the VPC CIDR only)."
  value       = aws_security_group.this.id
}

output "interface_endpoint_ids" {
  description = "Interface endpoint IDs by service suffix, e.g. { \"ecr.api\" = \"vpce-...\" }."
  value       = { for service, endpoint in aws_vpc_endpoint.interface : service => endpoint.id }
}

output "s3_prefix_list_id" {
  description = "ID of the S3 managed prefix list, for security group egress rules to the S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "s3_gateway_endpoint_id" {
  description = "ID of the S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.id
}
