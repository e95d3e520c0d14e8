output "state_bucket_name" {
  description = "Bucket holding every environment's state (backend \"s3\" bucket)."
  value       = aws_s3_bucket.state.bucket
}

output "state_kms_key_arn" {
  description = "KMS key encrypting the state (backend \"s3\" kms_key_id)."
  value       = aws_kms_key.state.arn
}

output "access_log_bucket_name" {
  description = "Bucket receiving the state bucket's S3 server access logs."
  value       = aws_s3_bucket.logs.bucket
}

output "backend_hcl" {
  description = "Contents of infra/envs/<env>/backend.hcl: `terraform output -raw backend_hcl > ../envs/dev/backend.hcl`."
  value       = <<-EOT
    bucket     = "${aws_s3_bucket.state.bucket}"
    region     = "${data.aws_region.current.name}"
    kms_key_id = "${aws_kms_key.state.arn}"
  EOT
}
