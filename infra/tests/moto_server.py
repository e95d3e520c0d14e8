"""A moto server on 127.0.0.1 for the apply test, with the few calls moto lacks filled in.

The Terraform AWS provider reads back everything it writes. Where moto (requirements/dev.lock)
models a resource but lacks one call the provider makes around it (tagging, a read of data moto
already stored), the resource cannot be applied at all. For those calls, and only those, this
module adds a handler to moto's in-process response classes while the server runs. Each one is
listed in ``MOTO_SHIMS`` with the reason. A shim never invents behaviour: it returns what moto
stored, or keeps tags or a flag that moto's own call dropped. Resources moto cannot model are
switched off in the test instead (``MOTO_CANNOT`` in test_apply_moto.py).

``MotoServer`` (a context manager) resets moto's state, installs the shims, loads the AWS
managed IAM policies (moto creates them only on request; the stack attaches
AmazonSSMManagedInstanceCore and AmazonRDSEnhancedMonitoringRole), lets ACM certificates pass
validation at once (no DNS here; moto would wait 60 s) and serves on a free port of 127.0.0.1.
On exit it stops the server and undoes all of that, so later in-process moto tests see plain
moto.

    python -m infra.tests.moto_server [PORT]   # the same server, for trying configs by hand
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Callable
from types import TracebackType
from typing import Any

__all__ = ["MOTO_SHIMS", "MotoServer"]

# "service: call" -> why the provider needs it. Reported by the apply test next to MOTO_CANNOT;
# when a moto upgrade implements one, delete it here.
MOTO_SHIMS: dict[str, str] = {
    "application-autoscaling: ListTagsForResource, TagResource, UntagResource": (
        "not implemented in moto 5.2 (500), and RegisterScalableTarget drops its Tags; the "
        "provider reads the tags of every aws_appautoscaling_target, so without this the "
        "ECS autoscaling target cannot be created"
    ),
    "budgets: ListTagsForResource, TagResource, UntagResource": (
        "not implemented in moto 5.2, and CreateBudget drops its ResourceTags; the provider "
        "reads the tags of every aws_budgets_budget"
    ),
    "budgets: DescribeSubscribersForNotification": (
        "not implemented in moto 5.2, although moto stores each notification's subscribers; "
        "the provider reads them back for every budget notification"
    ),
    "ec2: MonitorInstances, UnmonitorInstances": (
        "not implemented in moto 5.2; the provider calls MonitorInstances while creating an "
        "aws_instance with monitoring = true (the bastion)"
    ),
    "ec2: RunInstances root volume without a size": (
        "moto 5.2 refuses a block device mapping with neither VolumeSize nor SnapshotId "
        "(MissingParameter); AWS takes both from the AMI. The bastion's root_block_device "
        "sets type and encryption only, so the shim gives it the AL2023 AMI's 8 GiB"
    ),
    "ec2: security group rule changes, one at a time": (
        "moto 5.2 edits a group's rule list without a lock: a revoke rebuilds the list from a "
        "copy, so when the provider revokes a new group's default egress rule while, in "
        "parallel, a rule resource is added to the same group, the added rule is lost and its "
        "destroy answers InvalidPermission.NotFound (seen once in CI); the shim serialises "
        "authorize/revoke/create/delete on the security group backend"
    ),
    "s3: bucket policy on object calls": (
        "moto checks a bucket policy on PutObject/GetObject with no request context and treats "
        "a statement whose Condition does not hold as an explicit deny, so every bucket's "
        "deny-plain-HTTP statement (aws:SecureTransport = false) refuses all uploads (the "
        "Lambda package); the shim leaves conditioned statements out of that check, which is "
        "what AWS does for a TLS request"
    ),
}

# Tags the shims keep, by (response class, account, region) and ARN.
_TAGS: dict[tuple[str, str, str], dict[str, dict[str, str]]] = {}


def _tag_store(response: Any) -> dict[str, dict[str, str]]:
    key = (type(response).__name__, response.current_account, response.region)
    return _TAGS.setdefault(key, {})


def _as_dict(tags: Any) -> dict[str, str]:
    """Tags as a dict, whether the API sends a map or a list of {Key, Value}."""
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags or []}


class _Patches:
    """setattr that remembers the previous value, so that ``undo`` restores moto exactly."""

    _MISSING = object()

    def __init__(self) -> None:
        self._saved: list[tuple[Any, str, Any]] = []

    def set(self, owner: Any, name: str, value: Any) -> None:
        self._saved.append((owner, name, owner.__dict__.get(name, self._MISSING)))
        setattr(owner, name, value)

    def undo(self) -> None:
        for owner, name, previous in reversed(self._saved):
            if previous is self._MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, previous)
        self._saved.clear()


def _add_tagging(
    patches: _Patches,
    cls: Any,
    *,
    create: str,
    arn_of: Callable[[Any, str], str],
    tags_param: str,
    as_list: bool,
) -> None:
    """Give a moto response class ListTagsForResource/TagResource/UntagResource, keeping the
    tags its create call ``create`` receives."""
    original_create: Callable[[Any], str] = getattr(cls, create)

    def create_and_tag(self: Any) -> str:
        result = original_create(self)
        tags = _as_dict(self._get_param(tags_param))
        if tags:
            _tag_store(self).setdefault(arn_of(self, result), {}).update(tags)
        return result

    def list_tags_for_resource(self: Any) -> str:
        tags = _tag_store(self).get(self._get_param("ResourceARN"), {})
        if as_list:
            return json.dumps({tags_param: [{"Key": k, "Value": v} for k, v in tags.items()]})
        return json.dumps({"Tags": tags})

    def tag_resource(self: Any) -> str:
        store = _tag_store(self).setdefault(self._get_param("ResourceARN"), {})
        store.update(_as_dict(self._get_param(tags_param)))
        return "{}"

    def untag_resource(self: Any) -> str:
        store = _tag_store(self).get(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or self._get_param("ResourceTagKeys") or []:
            store.pop(key, None)
        return "{}"

    patches.set(cls, create, create_and_tag)
    patches.set(cls, "list_tags_for_resource", list_tags_for_resource)
    patches.set(cls, "tag_resource", tag_resource)
    patches.set(cls, "untag_resource", untag_resource)


def _shim_application_autoscaling(patches: _Patches) -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse

    _add_tagging(
        patches,
        ApplicationAutoScalingResponse,
        create="register_scalable_target",
        arn_of=lambda _self, result: json.loads(result)["ScalableTargetARN"],
        tags_param="Tags",
        as_list=False,
    )


def _shim_budgets(patches: _Patches) -> None:
    from moto.budgets.responses import BudgetsResponse

    def budget_arn(self: Any, _result: str) -> str:
        name = (self._get_param("Budget") or {}).get("BudgetName")
        return f"arn:aws:budgets::{self._get_param('AccountId')}:budget/{name}"

    _add_tagging(
        patches,
        BudgetsResponse,
        create="create_budget",
        arn_of=budget_arn,
        tags_param="ResourceTags",
        as_list=True,
    )

    def same(stored: dict[str, Any], asked: dict[str, Any]) -> bool:
        keys = ("NotificationType", "ComparisonOperator", "ThresholdType")
        return all(stored.get(k) == asked.get(k) for k in keys) and float(
            stored.get("Threshold", 0)
        ) == float(asked.get("Threshold", 0))

    def describe_subscribers_for_notification(self: Any) -> str:
        budget = self.backend.budgets[self._get_param("AccountId")][self._get_param("BudgetName")]
        asked = self._get_param("Notification") or {}
        for notification in budget.notifications:
            if same(notification.details, asked):
                return json.dumps({"Subscribers": notification.subscribers})
        return json.dumps({"Subscribers": []})

    patches.set(
        BudgetsResponse,
        "describe_subscribers_for_notification",
        describe_subscribers_for_notification,
    )


def _shim_ec2_monitoring(patches: _Patches) -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    def handler(state: str) -> Callable[[Any], Any]:
        def set_monitoring(self: Any) -> Any:
            monitorings = []
            for instance_id in self._get_param("InstanceIds", []):
                instance = self.ec2_backend.get_instance(instance_id)
                instance.monitoring_state = state
                monitorings.append({"InstanceId": instance_id, "Monitoring": {"State": state}})
            return ActionResult({"InstanceMonitorings": monitorings})

        return set_monitoring

    patches.set(EC2Response, "monitor_instances", handler("enabled"))
    patches.set(EC2Response, "unmonitor_instances", handler("disabled"))


def _shim_ec2_root_volume(patches: _Patches) -> None:
    from moto.ec2.responses.instances import InstanceResponse

    original = InstanceResponse.__dict__["_validate_block_device_mapping"].__func__

    def validate(device_mapping: dict[str, Any]) -> None:
        ebs = device_mapping.get("Ebs")
        if isinstance(ebs, dict) and not ebs.get("VolumeSize") and not ebs.get("SnapshotId"):
            ebs["VolumeSize"] = 8
        original(device_mapping)

    patches.set(InstanceResponse, "_validate_block_device_mapping", staticmethod(validate))


def _shim_ec2_security_group_lock(patches: _Patches) -> None:
    import functools
    import threading

    from moto.ec2.models.security_groups import SecurityGroupBackend

    lock = threading.RLock()

    def serialised(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def locked(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return method(*args, **kwargs)

        return locked

    for name in (
        "create_security_group",
        "delete_security_group",
        "authorize_security_group_ingress",
        "revoke_security_group_ingress",
        "authorize_security_group_egress",
        "revoke_security_group_egress",
    ):
        patches.set(SecurityGroupBackend, name, serialised(getattr(SecurityGroupBackend, name)))


def _shim_s3_bucket_policy(patches: _Patches) -> None:
    from moto.iam.access_control import IAMPolicy, PermissionResult
    from moto.s3.models import FakeBucket

    def get_permission(self: Any, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        policy = json.loads(self.policy.decode())
        statements = policy["Statement"]
        if isinstance(statements, dict):
            statements = [statements]
        unconditioned = [s for s in statements if not s.get("Condition")]
        if not unconditioned:
            return PermissionResult.NEUTRAL
        evaluated = json.dumps({**policy, "Statement": unconditioned})
        return IAMPolicy(evaluated).is_action_permitted(action, resource)

    patches.set(FakeBucket, "get_permission", get_permission)


class MotoServer:
    """``with MotoServer() as url:`` a shimmed moto server on 127.0.0.1 (see module doc)."""

    def __init__(self, port: int = 0) -> None:
        self._port = port
        self._patches = _Patches()
        self._server: Any = None
        self._saved_env: str | None = None
        self._saved_log_level = logging.NOTSET
        self.url = ""

    def __enter__(self) -> str:
        import moto.settings
        from moto.server import ThreadedMotoServer

        # One access-log line per API call (thousands) would bury a failure's output.
        werkzeug_log = logging.getLogger("werkzeug")
        self._saved_log_level = werkzeug_log.level
        werkzeug_log.setLevel(logging.WARNING)
        # Read when moto (re)creates its IAM backend, i.e. at the reset below.
        self._saved_env = os.environ.get("MOTO_IAM_LOAD_MANAGED_POLICIES")
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        self._patches.set(moto.settings, "ACM_VALIDATION_WAIT", 0)
        for shim in (
            _shim_application_autoscaling,
            _shim_budgets,
            _shim_ec2_monitoring,
            _shim_ec2_root_volume,
            _shim_ec2_security_group_lock,
            _shim_s3_bucket_policy,
        ):
            shim(self._patches)
        try:
            self._server = ThreadedMotoServer(
                ip_address="127.0.0.1", port=self._port, verbose=False
            )
            self._server.start()
            host, port = self._server.get_host_and_port()
            self.url = f"http://{host}:{port}"
            self.reset()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self.url

    def reset(self) -> None:
        """Forget every AWS object (moto's backends are per process, shared with mock_aws)."""
        # Our own server on 127.0.0.1 (http only): not an arbitrary URL.
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            response.read()
        _TAGS.clear()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            # Leave moto's in-process backends empty for whatever runs next.
            self.reset()
            self._server.stop()
            self._server = None
        self._patches.undo()
        _TAGS.clear()
        logging.getLogger("werkzeug").setLevel(self._saved_log_level)
        if self._saved_env is None:
            os.environ.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)
        else:
            os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = self._saved_env


if __name__ == "__main__":
    import sys
    import time

    with MotoServer(int(sys.argv[1]) if len(sys.argv) > 1 else 0) as served_url:
        print(served_url, flush=True)
        while True:
            time.sleep(3600)
