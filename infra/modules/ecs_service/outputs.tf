output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "Web service name."
  value       = aws_ecs_service.web.name
}

output "service_arn" {
  description = "Web service ARN."
  value       = aws_ecs_service.web.id
}

output "security_group_id" {
  description = "Task security group id (RDS admits it; run-task of migrate uses it)."
  value       = aws_security_group.tasks.id
}

output "task_role_arn" {
  description = "Task (app) role ARN."
  value       = aws_iam_role.task.arn
}

output "task_role_name" {
  description = "Task (app) role name, to attach more policies from outside."
  value       = aws_iam_role.task.name
}

output "execution_role_arn" {
  description = "Task execution role ARN."
  value       = aws_iam_role.execution.arn
}

output "web_task_definition_arn" {
  description = "Web task definition ARN (with revision)."
  value       = aws_ecs_task_definition.this["web"].arn
}

output "migrate_task_definition_arn" {
  description = "Migrate task definition ARN (with revision): run it with `aws ecs run-task` before a web deploy."
  value       = aws_ecs_task_definition.this["migrate"].arn
}

output "scheduled_task_definition_arn" {
  description = "run-scheduled task definition ARN (with revision)."
  value       = aws_ecs_task_definition.this["scheduled"].arn
}

output "log_group_name" {
  description = "Task log group name (streams web/…, migrate/…, scheduled/…)."
  value       = aws_cloudwatch_log_group.tasks.name
}

output "log_group_arn" {
  description = "Task log group ARN."
  value       = aws_cloudwatch_log_group.tasks.arn
}

output "task_family_prefix" {
  description = "Prefix of every task definition family this module registers (<prefix>-web, -migrate, -scheduled)."
  value       = var.name
}

output "container_name" {
  description = "Container name inside every task definition (for run-task overrides)."
  value       = local.container_name
}

output "private_subnet_ids" {
  description = "Subnets the tasks run in (for run-task network configuration)."
  value       = var.private_subnet_ids
}
