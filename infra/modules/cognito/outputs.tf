output "user_pool_id" {
  description = "Id of the user pool (COGNITO_USER_POOL_ID)."
  value       = aws_cognito_user_pool.this.id
}

output "user_pool_arn" {
  description = "ARN of the user pool."
  value       = aws_cognito_user_pool.this.arn
}

output "user_pool_endpoint" {
  description = "Endpoint of the user pool (cognito-idp.<region>.amazonaws.com/<pool id>)."
  value       = aws_cognito_user_pool.this.endpoint
}

output "app_client_id" {
  description = "Id of the app client (COGNITO_CLIENT_ID)."
  value       = aws_cognito_user_pool_client.app.id
}

output "app_client_secret" {
  description = "Secret of the app client (COGNITO_CLIENT_SECRET); null without generate_client_secret."
  value       = var.generate_client_secret ? aws_cognito_user_pool_client.app.client_secret : null
  sensitive   = true
}

output "lambda_function_name" {
  description = "Name of the PostConfirmation Lambda."
  value       = aws_lambda_function.post_confirmation.function_name
}

output "lambda_function_arn" {
  description = "ARN of the PostConfirmation Lambda."
  value       = aws_lambda_function.post_confirmation.arn
}

output "lambda_security_group_id" {
  description = "Security group of the Lambda: the database must allow PostgreSQL from it."
  value       = aws_security_group.lambda.id
}

output "lambda_role_arn" {
  description = "Execution role of the Lambda."
  value       = aws_iam_role.lambda.arn
}

output "lambda_log_group_name" {
  description = "Log group of the Lambda."
  value       = aws_cloudwatch_log_group.lambda.name
}

output "lambda_artifacts_bucket" {
  description = "Bucket holding the Lambda package."
  value       = aws_s3_bucket.artifacts.id
}

output "issuer_url" {
  description = "Issuer (iss) of the pool's tokens: https://cognito-idp.<region>.amazonaws.com/<pool id>."
  value       = "https://${aws_cognito_user_pool.this.endpoint}"
}

output "jwks_url" {
  description = "The pool's JSON Web Key Set, which the app verifies tokens against."
  value       = "https://${aws_cognito_user_pool.this.endpoint}/.well-known/jwks.json"
}
