output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "public_subnet_ids" {
  description = "Public subnet IDs, one per AZ in the order of azs (ALB, NAT gateways)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnet IDs, one per AZ in the order of azs (ECS tasks, Lambda, endpoints, bastion)."
  value       = aws_subnet.private[*].id
}

output "database_subnet_ids" {
  description = "Database subnet IDs, one per AZ in the order of azs (RDS; no route out of the VPC)."
  value       = aws_subnet.database[*].id
}

output "private_route_table_ids" {
  description = "Route table IDs of the private subnets, one per AZ."
  value       = aws_route_table.private[*].id
}

output "database_route_table_ids" {
  description = "Route table IDs of the database subnets (one shared table)."
  value       = [aws_route_table.database.id]
}

output "azs" {
  description = "Availability zones the subnets are in."
  value       = local.azs
}

output "nat_gateway_count" {
  description = "Number of NAT gateways created (0 when enable_nat_gateway is false)."
  value       = local.nat_gateway_count
}
