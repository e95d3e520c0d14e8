# Plan-only tests: no AWS account, no network.
#
# Most runs use a mocked provider. The trust-policy runs use the real provider, offline: the
# aws_iam_policy_document data source is computed inside the provider without calling AWS, so
# those runs decode the JSON IAM will actually receive. Its only AWS-calling data source
# (aws_caller_identity) is overridden, every credential and metadata check is skipped, and the
# profile comes from tests/offline-aws-config whatever the caller's AWS_* settings are.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{}"
    }
  }
}

provider "aws" {
  alias                       = "offline"
  region                      = "eu-west-1"
  access_key                  = "offline-test"
  secret_key                  = "offline-test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # Relative to the module directory, where `terraform test` runs.
  profile                  = "spendwise-offline-test"
  shared_config_files      = ["tests/offline-aws-config"]
  shared_credentials_files = ["tests/offline-aws-config"]
}

variables {
  name                = "spendwise-test"
  repository          = "acme/spendwise"
  branch              = "main"
  ecr_repository_arn  = "arn:aws:ecr:eu-west-1:123456789012:repository/spendwise-test"
  cluster_name        = "spendwise-test"
  service_name        = "spendwise-test-web"
  task_family_prefix  = "spendwise-test"
  task_role_arns      = ["arn:aws:iam::123456789012:role/spendwise-test-task"]
  execution_role_arns = ["arn:aws:iam::123456789012:role/spendwise-test-execution"]
  log_group_arns      = ["arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/spendwise-test:*"]
  tags                = { Project = "spendwise" }
}

run "trust_policy_allows_exactly_one_branch_of_one_repository" {
  command   = plan
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement) == 1
    error_message = "The trust policy has a single statement."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:acme/spendwise:ref:refs/heads/main"
    error_message = "sub must be exactly repo:<repository>:ref:refs/heads/<branch> under StringEquals."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "aud must be sts.amazonaws.com."
  }

  assert {
    condition     = !can(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringLike)
    error_message = "No StringLike (wildcard) condition may widen the trust."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity" && jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    error_message = "Only GitHub's OIDC provider may assume the role, by web identity."
  }

  assert {
    condition     = aws_iam_role.deploy.max_session_duration == 3600
    error_message = "Sessions last at most an hour."
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "With create_oidc_provider = false the existing provider is used."
  }
}

run "trust_policy_adds_the_environment_subject_when_asked" {
  command   = plan
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    branch               = "release"
    environment          = "prod"
  }

  assert {
    condition = toset(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]) == toset([
      "repo:acme/spendwise:ref:refs/heads/release",
      "repo:acme/spendwise:environment:prod",
    ])
    error_message = "With an environment, its exact subject is trusted next to the branch's."
  }
}

run "deploy_policy_is_scoped_to_the_app" {
  command   = plan
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement :
      alltrue([for action in flatten([statement.Action]) : action != "*" && !endswith(action, ":*")])
    ])
    error_message = "No statement may grant a wildcard action."
  }

  assert {
    condition = toset(flatten([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement.Action
      if contains(flatten([statement.Resource]), "*")
    ])) == toset(["ecr:GetAuthorizationToken", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"])
    error_message = "Only the actions without resource-level permissions may use Resource \"*\"."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement
      if statement.Sid == "PassAppRolesToEcsTasks"
      ]).Condition.StringEquals["iam:PassedToService"] == "ecs-tasks.amazonaws.com" && toset(one([
        for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement.Resource
        if statement.Sid == "PassAppRolesToEcsTasks"
    ])) == toset(["arn:aws:iam::123456789012:role/spendwise-test-task", "arn:aws:iam::123456789012:role/spendwise-test-execution"])
    error_message = "PassRole is limited to the app's two roles, and only towards ECS tasks."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement.Resource
      if statement.Sid == "EcsDeployAppService"
    ]) == "arn:aws:ecs:eu-west-1:123456789012:service/spendwise-test/spendwise-test-web"
    error_message = "UpdateService is limited to the app's service."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement.Resource
      if statement.Sid == "EcsRunMigrations"
    ]) == "arn:aws:ecs:eu-west-1:123456789012:task-definition/spendwise-test-migrate:*"
    error_message = "RunTask is limited to the migration task family."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement.Resource
      if statement.Sid == "ReadMigrationLogs"
    ]) == "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/spendwise-test:log-stream:*"
    error_message = "GetLogEvents is limited to the app's log group."
  }
}

run "creates_the_oidc_provider_by_default" {
  command = plan

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com" && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The GitHub OIDC provider is created for audience sts.amazonaws.com."
  }

  assert {
    condition = anytrue([
      for condition in data.aws_iam_policy_document.trust.statement[0].condition :
      condition.test == "StringEquals" && condition.variable == "token.actions.githubusercontent.com:sub" && tolist(condition.values) == tolist(["repo:acme/spendwise:ref:refs/heads/main"])
    ])
    error_message = "The trust policy's inputs ask for sub == repo:<repository>:ref:refs/heads/<branch> (StringEquals)."
  }

  assert {
    condition     = aws_iam_role.deploy.name == "spendwise-test-github-deploy"
    error_message = "The role is named <name>-github-deploy."
  }
}

run "derives_the_cluster_from_its_arn" {
  command   = plan
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    cluster_name         = null
    ecs_cluster_arn      = "arn:aws:ecs:eu-west-1:123456789012:cluster/spendwise-other"
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement.Resource
      if statement.Sid == "EcsDeployAppService"
    ]) == "arn:aws:ecs:eu-west-1:123456789012:service/spendwise-other/spendwise-test-web"
    error_message = "The service ARN is built from the cluster ARN's name."
  }
}

run "refuses_a_repository_without_owner" {
  command = plan

  variables {
    repository = "not-a-repo"
  }

  expect_failures = [var.repository]
}

run "refuses_a_wildcard_repository" {
  command = plan

  variables {
    repository = "acme/*"
  }

  expect_failures = [var.repository]
}

run "refuses_a_wildcard_branch" {
  command = plan

  variables {
    branch = "*"
  }

  expect_failures = [var.branch]
}

run "refuses_a_missing_provider_arn" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  expect_failures = [var.oidc_provider_arn]
}

run "refuses_no_execution_role" {
  command = plan

  variables {
    execution_role_arns = []
  }

  expect_failures = [var.execution_role_arns]
}

run "refuses_a_session_longer_than_an_hour" {
  command = plan

  variables {
    max_session_duration = 43200
  }

  expect_failures = [var.max_session_duration]
}

run "trusts_only_the_environment_when_the_branch_is_not_trusted" {
  command   = plan
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    environment          = "prod"
    trust_branch         = false
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:acme/spendwise:environment:prod"
    error_message = "Without the branch subject only jobs in the environment (its reviewers, its branch rule) may deploy."
  }
}

run "reads_only_the_smoke_users_secret" {
  command   = plan
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  variables {
    create_oidc_provider      = false
    oidc_provider_arn         = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    smoke_secret_arns         = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-test/smoke-user-AbCdEf"]
    smoke_secret_kms_key_arns = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement
      if statement.Sid == "ReadSmokeUser"
    ]).Resource == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-test/smoke-user-AbCdEf"
    error_message = "GetSecretValue is limited to the smoke user's secret."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.deploy.policy).Statement : statement
      if statement.Sid == "DecryptSmokeUser"
    ]).Condition.StringEquals["kms:ViaService"] == "secretsmanager.eu-west-1.amazonaws.com"
    error_message = "The smoke secret's key decrypts through Secrets Manager only."
  }

  assert {
    condition     = length(aws_iam_role.plan) == 0 && length(aws_iam_role.apply) == 0
    error_message = "The terraform roles exist only with create_terraform_roles."
  }
}

run "terraform_roles_plan_on_pull_requests_and_apply_from_the_environment" {
  command   = plan
  providers = { aws = aws.offline }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "123456789012"
    }
  }

  variables {
    create_oidc_provider              = false
    oidc_provider_arn                 = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    environment                       = "prod"
    trust_branch                      = false
    create_terraform_roles            = true
    terraform_state_bucket_arn        = "arn:aws:s3:::spendwise-tfstate-123456789012-eu-west-1"
    terraform_state_key               = "spendwise/prod/terraform.tfstate"
    terraform_state_kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    terraform_plan_secret_arns        = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:spendwise-test/app-AbCdEf"]
    terraform_plan_kms_key_arns       = ["arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"]
    terraform_plan_denied_bucket_arns = ["arn:aws:s3:::spendwise-test-files"]
  }

  # Plan role: pull requests of the one repository, read-only.
  assert {
    condition     = jsondecode(aws_iam_role.plan[0].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:acme/spendwise:pull_request" && jsondecode(aws_iam_role.plan[0].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "The plan role trusts exactly repo:<repository>:pull_request (audience sts.amazonaws.com)."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.plan_read_only[0].policy_arn == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    error_message = "The plan role reads through AWS's ReadOnlyAccess."
  }

  assert {
    condition = alltrue([
      for statement in jsondecode(aws_iam_role_policy.plan[0].policy).Statement :
      alltrue([for action in flatten([statement.Action]) : !contains(["s3:PutObject", "s3:DeleteObject"], action)])
      if statement.Sid != "StateLock"
    ])
    error_message = "The plan role writes nothing but the lock file."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.plan[0].policy).Statement : statement.Resource
      if statement.Sid == "StateLock"
      ]) == "arn:aws:s3:::spendwise-tfstate-123456789012-eu-west-1/spendwise/prod/terraform.tfstate.tflock" && one([
      for statement in jsondecode(aws_iam_role_policy.plan[0].policy).Statement : statement.Resource
      if statement.Sid == "StateRead"
    ]) == "arn:aws:s3:::spendwise-tfstate-123456789012-eu-west-1/spendwise/prod/terraform.tfstate"
    error_message = "The plan role reads this environment's state and writes only its lock file."
  }

  assert {
    condition = one([
      for statement in jsondecode(aws_iam_role_policy.plan[0].policy).Statement : statement
      if statement.Sid == "DenyUserFiles"
      ]).Effect == "Deny" && one([
      for statement in jsondecode(aws_iam_role_policy.plan[0].policy).Statement : statement
      if statement.Sid == "DenyUserFiles"
    ]).Resource == "arn:aws:s3:::spendwise-test-files/*"
    error_message = "The plan role may not read the user files that ReadOnlyAccess would expose."
  }

  # Apply role: only jobs in the environment, administrator.
  assert {
    condition     = jsondecode(aws_iam_role.apply[0].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:acme/spendwise:environment:prod"
    error_message = "The apply role trusts only jobs in the environment (required reviewers, deployment branch)."
  }

  assert {
    condition     = !can(jsondecode(aws_iam_role.apply[0].assume_role_policy).Statement[0].Condition.StringLike) && !can(jsondecode(aws_iam_role.plan[0].assume_role_policy).Statement[0].Condition.StringLike)
    error_message = "No wildcard subject on the terraform roles."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.apply_administrator[0].policy_arn == "arn:aws:iam::aws:policy/AdministratorAccess"
    error_message = "A full apply needs AdministratorAccess (README)."
  }

  assert {
    condition     = aws_iam_role.plan[0].name == "spendwise-test-github-terraform-plan" && aws_iam_role.apply[0].name == "spendwise-test-github-terraform-apply"
    error_message = "The roles are named <name>-github-terraform-plan and <name>-github-terraform-apply."
  }
}

run "apply_environment_can_differ_from_the_deploy_environment" {
  command = plan

  variables {
    create_terraform_roles      = true
    terraform_state_bucket_arn  = "arn:aws:s3:::spendwise-tfstate-123456789012-eu-west-1"
    terraform_state_key         = "spendwise/dev/terraform.tfstate"
    terraform_state_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    terraform_apply_environment = "dev-infra"
  }

  assert {
    condition = anytrue([
      for condition in data.aws_iam_policy_document.apply_trust[0].statement[0].condition :
      condition.variable == "token.actions.githubusercontent.com:sub" && tolist(condition.values) == tolist(["repo:acme/spendwise:environment:dev-infra"])
    ])
    error_message = "terraform_apply_environment names the environment the apply role trusts."
  }
}

run "refuses_terraform_roles_without_the_state_bucket" {
  command = plan

  variables {
    environment                 = "dev"
    create_terraform_roles      = true
    terraform_state_key         = "spendwise/dev/terraform.tfstate"
    terraform_state_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  }

  expect_failures = [var.terraform_state_bucket_arn]
}

run "refuses_terraform_roles_without_an_environment" {
  command = plan

  variables {
    create_terraform_roles      = true
    terraform_state_bucket_arn  = "arn:aws:s3:::spendwise-tfstate-123456789012-eu-west-1"
    terraform_state_key         = "spendwise/dev/terraform.tfstate"
    terraform_state_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  }

  expect_failures = [var.terraform_apply_environment]
}

run "refuses_an_untrusted_branch_without_an_environment" {
  command = plan

  variables {
    trust_branch = false
  }

  expect_failures = [var.trust_branch]
}
