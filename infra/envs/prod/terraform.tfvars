# prod: example values. Replace the domains, addresses and repository with yours before the first
# apply (docs/deploy.md). variables.tf refuses unsafe values (single-AZ database, < 14 days of
# backups, no deletion protection, no final snapshot). Estimate the bill with
# `scripts/spendwise-cost infra/envs/prod/terraform.tfvars`.

aws_region = "eu-west-1"

domain_name        = "app.example.com"
origin_domain_name = "origin.app.example.com"
hosted_zone_id     = null

alarm_emails       = ["ops@example.com"]
monthly_budget_usd = 300 # scripts/spendwise-cost estimates about $262 for these choices

github_repository = "example-org/spendwise"
github_branch     = "main"

# The state bucket and its key (infra/bootstrap's outputs, as in backend.hcl): with them the stack
# creates the infra workflow's terraform plan and apply roles (docs/delivery.md). null: none.
terraform_state_bucket      = "spendwise-tfstate-123456789012-eu-west-1"
terraform_state_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
# When dev already created the account's GitHub OIDC provider, pass its ARN here:
# github_oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"

image_tag = "0.1.0"

# Network: a separate range from dev, two AZs, no NAT, no bastion (turn it on for a DB session).
vpc_cidr           = "10.30.0.0/16"
peer_cidrs         = ["10.20.0.0/16"]
az_count           = 2
enable_nat_gateway = false
enable_bastion     = false

# App: 2-6 tasks of 0.5 vCPU / 1 GiB, scaling on CPU and on requests per task.
task_cpu           = 512
task_memory        = 1024
desired_count      = 2
min_tasks          = 2
max_tasks          = 6
cpu_target_percent = 60
# 70 % x 14.1 req/s (one instance's measured knee, under the 0.5 vCPU CPU bound) x 60 s: docs/performance.md.
requests_per_target = 590

# Database: Multi-AZ, 14 days of backups, deletion protection, final snapshot.
db_instance_class        = "db.t4g.small"
db_engine_version        = "16.8"
db_allocated_storage     = 20
db_max_allocated_storage = 100
db_multi_az              = true
db_backup_retention_days = 14
db_deletion_protection   = true
db_skip_final_snapshot   = false

alb_deletion_protection = true
enable_waf              = true
waf_rate_limit          = 2000

cognito_mfa = "OPTIONAL"
# Cognito's own e-mail sends about 50 codes a day: before opening sign-ups, verify a domain in SES
# (with production access) and send through it.
# cognito_ses_identity_arn   = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
# cognito_from_email_address = "SpendWise <no-reply@example.com>"

log_retention_days = 90
force_destroy      = false
