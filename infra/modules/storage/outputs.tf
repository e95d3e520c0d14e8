output "bucket_name" {
  description = "Name of the files bucket (the app's S3_BUCKET)."
  value       = aws_s3_bucket.files.id
}

output "bucket_arn" {
  description = "ARN of the files bucket."
  value       = aws_s3_bucket.files.arn
}

output "task_policy_json" {
  description = "IAM policy JSON for the app's task role: object read/write/delete and list on the bucket, GenerateDataKey/Decrypt on the key."
  value       = data.aws_iam_policy_document.task.json
}
