# dev: example values. Replace the domains, addresses and repository with yours before the first
# apply (docs/deploy.md). Sizing is the cheapest that still runs the whole design; estimate it
# with `scripts/spendwise-cost infra/envs/dev/terraform.tfvars`.

aws_region = "eu-west-1"

domain_name        = "dev.app.example.com"
origin_domain_name = "origin.dev.app.example.com"
# Route 53 zone of example.com: DNS validation and alias records are then created for you.
# Leave null to add them by hand from the `certificate_validation_records` output.
hosted_zone_id = null

alarm_emails       = ["ops@example.com"]
monthly_budget_usd = 220 # scripts/spendwise-cost estimates about $196 for these choices

github_repository = "example-org/spendwise"
github_branch     = "main"

# The state bucket and its key (infra/bootstrap's outputs, as in backend.hcl): with them the stack
# creates the infra workflow's terraform plan and apply roles (docs/delivery.md). null: none.
terraform_state_bucket      = "spendwise-tfstate-123456789012-eu-west-1"
terraform_state_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"

# An image tag already pushed to this environment's ECR repository (immutable; never "latest").
image_tag = "0.1.0"

# Network: two AZs, no NAT (AWS APIs through VPC endpoints), no bastion.
vpc_cidr           = "10.20.0.0/16"
az_count           = 2
enable_nat_gateway = false
enable_bastion     = false

# App: 1-2 tasks of 0.25 vCPU / 0.5 GiB.
task_cpu      = 256
task_memory   = 512
desired_count = 1
min_tasks     = 1
max_tasks     = 2
# 0.25 vCPU saturates at ~7.4 req/s (33.6 ms CPU per request); 70 % x 60 s. docs/performance.md.
requests_per_target = 310

# Database: single-AZ db.t4g.micro, 7 days of backups, no deletion protection, no final snapshot.
db_instance_class        = "db.t4g.micro"
db_engine_version        = "16.8"
db_allocated_storage     = 20
db_max_allocated_storage = 50
db_multi_az              = false
db_backup_retention_days = 7
db_deletion_protection   = false
db_skip_final_snapshot   = true

cognito_mfa        = "OPTIONAL"
log_retention_days = 14

# dev is disposable: destroy empties buckets and the image repository, and may delete the ALB.
alb_deletion_protection = false
force_destroy           = true
