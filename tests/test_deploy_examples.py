"""The optional manifests in deploy/examples, checked like deploy/'s own:
valid Kubernetes, the settings they name exist, and they share the bot's
volume and credentials."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from bot.settings import Settings

EXAMPLES = ROOT / "deploy" / "examples"


def _docs() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(EXAMPLES.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            out[path.name] = doc
    return out


def _bot() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "deploy" / "deployment.yaml").read_text())


def test_examples_are_valid_kubernetes_resources() -> None:
    kv = pytest.importorskip("kubernetes_validate", reason="kubernetes-validate (dev extras)")
    assert _docs()
    for doc in _docs().values():
        kv.validate(doc, "1.30.0", strict=True)


def test_the_gaps_digest_runs_beside_the_bot_with_its_volume_settings_and_token() -> None:
    job = _docs()["gaps-digest.yaml"]
    pod = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["command"][:2] == ["notesbot", "gaps"] and "--post" in container["command"]
    bot_pod = _bot()["spec"]["template"]["spec"]
    assert pod["volumes"] == bot_pod["volumes"]
    assert pod["securityContext"] == bot_pod["securityContext"]
    selector = pod["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert selector["labelSelector"]["matchLabels"] == _bot()["metadata"]["labels"]
    assert {"configMapRef": {"name": "notesbot-config"}} in container["envFrom"]
    assert {"secretRef": {"name": "notesbot-slack"}} in container["envFrom"]
    assert not any(e["name"].startswith("SLACK_") for e in container.get("env", []))


def test_every_notesbot_setting_named_in_the_examples_exists() -> None:
    known = {f"NOTESBOT_{name.upper()}" for name in Settings.model_fields}
    named = {
        m
        for p in EXAMPLES.glob("*.yaml")
        for m in re.findall(r"\bNOTESBOT_[A-Z_]+\b", p.read_text())
    }
    assert "NOTESBOT_GAPS_CHANNEL" in named and named <= known, named - known


def test_the_example_is_not_applied_by_the_kustomization() -> None:
    kustomization = yaml.safe_load((ROOT / "deploy" / "kustomization.yaml").read_text())
    assert not any(Path(r).parent.name == "examples" for r in kustomization["resources"])
