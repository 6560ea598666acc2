"""The Dockerfile and the Kubernetes manifests, checked without a Docker
engine or a cluster: linted (hadolint, Kubernetes' schemas), their build
steps run here the way the image runs them, and the promises the deployment
depends on checked (the cron job and the bot share the index, secrets come
from a Secret, every setting named exists)."""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CORPUS, ROOT

from bot.settings import Settings

DOCKERFILE = ROOT / "Dockerfile"
DEPLOY = ROOT / "deploy"
IMAGE_UID = 10001


def _tool(name: str) -> str:
    found = shutil.which(name, path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    if not found:
        pytest.skip(f"{name} is not installed (make install brings it with the dev extras)")
    return found


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"^\s*#.*\n", "", DOCKERFILE.read_text(), flags=re.M)
    text = text.replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            out.append((keyword.upper(), " ".join(rest.split())))
    return out


def _runtime_stage() -> list[tuple[str, str]]:
    return _stages()[-1]


def _image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, rest in _runtime_stage():
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def _manifests() -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(DEPLOY.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            out[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return out


def _pod(doc: dict[str, Any]) -> dict[str, Any]:
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return doc["spec"]["template"]["spec"]


def _containers() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """name -> (container, its pod spec), for every workload's containers."""
    out = {}
    for doc in _manifests().values():
        if doc["kind"] in ("Deployment", "CronJob"):
            pod = _pod(doc)
            for c in pod.get("initContainers", []) + pod["containers"]:
                out[c["name"]] = (c, pod)
    return out


def _config() -> dict[str, str]:
    return _manifests()["ConfigMap/notesbot-config"]["data"]


# --------------------------------------------------------------------------- Dockerfile


def test_dockerfile_passes_hadolint() -> None:
    r = subprocess.run([_tool("hadolint"), str(DOCKERFILE)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _ignored(rel: str, patterns: list[str]) -> bool:
    """.dockerignore's rule: the last pattern matching the path or a folder
    above it decides; `!` includes."""
    parts = rel.split("/")
    verdict = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pat = pattern.lstrip("!").rstrip("/")
        for n in range(1, len(parts) + 1):
            if fnmatch.fnmatchcase("/".join(parts[:n]), pat) or (
                pat.startswith("**/") and fnmatch.fnmatchcase(parts[n - 1], pat[3:])
            ):
                verdict = not negate
                break
    return verdict


def test_everything_the_image_copies_is_in_the_build_context_and_secrets_are_not() -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]
    copied = [
        rest.split()[:-1]
        for keyword, rest in _instructions()
        if keyword == "COPY" and "--from" not in rest
    ]
    sources = [s for group in copied for s in group]
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not _ignored(source.rstrip("/"), patterns), f"{source} is left out by .dockerignore"
    for secret_or_bulk in (".env", ".venv/bin/python", "data/index/CURRENT", ".git/config"):
        assert _ignored(secret_or_bulk, patterns), secret_or_bulk


def test_the_image_installs_with_the_same_script_as_make_and_ci() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "./scripts/install.sh $(VENV) dev" in makefile
    runs = [rest for keyword, rest in _instructions() if keyword == "RUN"]
    assert any('./scripts/install.sh /opt/venv ""' in r for r in runs)


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in _instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, rest))
    return stages


def test_the_image_carries_the_exported_model_and_the_runtime_without_torch() -> None:
    """torch and sentence-transformers export the model in a build stage's
    venv of their own; the image gets the runtime venv and the export."""
    build, runtime = _stages()
    runs = " ".join(rest for keyword, rest in build if keyword == "RUN")
    assert './scripts/install.sh /opt/venv ""' in runs  # the runtime: no extras
    assert "./scripts/install.sh /opt/export export" in runs
    assert "/opt/export/bin/notesbot model" in runs
    build_cache = dict(pair.split("=", 1) for k, r in build if k == "ENV" for pair in r.split())
    copied = {
        tuple(rest.split()[-2:])
        for keyword, rest in runtime
        if keyword == "COPY" and "--from=build" in rest
    }
    assert copied == {
        ("/opt/venv", "/opt/venv"),
        (build_cache["NOTESBOT_MODEL_CACHE"], _image_env()["NOTESBOT_MODEL_CACHE"]),
    }


def test_the_image_build_takes_pip_sources_and_a_ca_as_documented() -> None:
    build = _stages()[0]
    args = {rest.split("=")[0] for keyword, rest in build if keyword == "ARG"}
    assert {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "TORCH_INDEX_URL"} <= args
    secrets = set(re.findall(r"--mount=type=secret,id=(\w+)", DOCKERFILE.read_text()))
    assert secrets == {"pipconf", "ca"}
    docs = (ROOT / "docs" / "deploy.md").read_text()
    for arg in args:
        assert f"--build-arg {arg}=" in docs, arg
    for secret in secrets:
        assert f"--secret id={secret}," in docs, secret
    installs = [
        line
        for line in (ROOT / "scripts" / "install.sh").read_text().splitlines()
        if "$pip install" in line and "--dry-run" not in line  # the probe is quiet, not these
    ]
    assert len(installs) == 3 and not [ln for ln in installs if re.search(r"--quiet|\s-q\b", ln)]
    for builder in (
        "docker build",
        "podman build --format docker",
        "buildah build --format docker",
    ):
        assert builder in docs, builder


def test_the_image_runs_as_a_non_root_user_and_serves_by_default() -> None:
    runtime = _runtime_stage()
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users and users[-1].split(":")[0] == str(IMAGE_UID)
    assert runtime[-1] == ("CMD", '["notesbot", "serve"]')
    assert any(keyword == "HEALTHCHECK" and "/healthz" in rest for keyword, rest in runtime)
    env = _image_env()
    # The model and the shipped index live in the image; only /data is for writing.
    assert env["NOTESBOT_MODEL_CACHE"].startswith("/app/")
    assert env["NOTESBOT_INDEX"].startswith("/app/")
    assert env["NOTESBOT_FEEDBACK_FILE"].startswith("/data/")
    assert env["NOTESBOT_THREAD_DB"].startswith("/data/")  # the thread store survives
    assert env["HF_HUB_OFFLINE"] == "1"


@pytest.mark.model
def test_the_images_build_time_index_step_and_reindex_work_in_its_layout(
    tmp_path: Path, shipped_index, model_cache: Path
) -> None:
    """The runtime stage's RUN steps, with its ENV mapped into a temporary
    /app: `notesbot` from PATH, scripts/reindex with no .venv beside it."""
    app = tmp_path / "app"
    (app / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "reindex", app / "scripts" / "reindex")
    shutil.copytree(CORPUS, app / "corpus")
    shutil.copytree(shipped_index.index_dir, app / "data" / "index")
    env = {
        name: value.replace("/app/", f"{app}/").replace("/data/", f"{tmp_path}/data/")
        for name, value in _image_env().items()
        if name != "PATH"
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin",
        HOME=str(tmp_path),
        NOTESBOT_MODEL_CACHE=str(model_cache),  # exported once per machine, not per test
    )
    runs = [
        rest
        for keyword, rest in _runtime_stage()
        if keyword == "RUN" and rest.startswith("notesbot ")
    ]
    assert runs
    for step in runs:
        r = subprocess.run(
            ["bash", "-o", "pipefail", "-c", step], cwd=app, env=env, capture_output=True, text=True
        )
        assert r.returncode == 0, f"{step}\n{r.stderr}"
    r = subprocess.run(
        ["scripts/reindex"], cwd=app, env=env, capture_output=True, text=True, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("index unchanged: 1 files, 72 sections")


# --------------------------------------------------------------------------- Kubernetes


def test_manifests_are_valid_kubernetes_resources() -> None:
    kv = pytest.importorskip("kubernetes_validate", reason="kubernetes-validate (dev extras)")
    manifests = _manifests()
    assert len(manifests) == 5
    for doc in manifests.values():
        kv.validate(doc, "1.30.0", strict=True)


def test_kustomization_applies_every_manifest() -> None:
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    files = {p.name for p in DEPLOY.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_the_cronjob_and_the_bot_share_the_notes_and_the_index() -> None:
    containers = _containers()
    assert {"bot", "index", "reindex"} <= set(containers)
    config = _config()
    mounts = {}
    for name, (container, pod) in containers.items():
        claims = {
            v["name"]: v["persistentVolumeClaim"]["claimName"]
            for v in pod["volumes"]
            if "persistentVolumeClaim" in v
        }
        [(claim, path)] = [
            (claims[m["name"]], m["mountPath"])
            for m in container["volumeMounts"]
            if m["name"] in claims
        ]
        mounts[name] = (claim, path)
        refs = [e["configMapRef"]["name"] for e in container["envFrom"] if "configMapRef" in e]
        assert refs == ["notesbot-config"], name
        assert container["image"] == containers["bot"][0]["image"]
    assert len(set(mounts.values())) == 1, mounts
    claim, path = mounts["bot"]
    assert f"PersistentVolumeClaim/{claim}" in _manifests()
    for setting in (
        "NOTESBOT_INDEX",
        "NOTESBOT_CORPUS",
        "NOTESBOT_FEEDBACK_FILE",
        "NOTESBOT_THREAD_DB",
    ):
        assert config[setting].startswith(path.rstrip("/") + "/"), setting

    reindex = containers["reindex"][0]["command"]
    assert reindex[0] == "/app/scripts/reindex" and "--pull" in reindex
    assert containers["index"][0]["command"][0] == reindex[0]
    runtime = _runtime_stage()
    assert ("WORKDIR", "/app") in runtime and ("COPY", "scripts/reindex scripts/") in runtime
    assert "$(NOTES_REPO)" in reindex and "NOTES_REPO" in config
    cronjob = _manifests()["CronJob/notesbot-reindex"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"


def test_slack_credentials_come_only_from_a_secret() -> None:
    bot = _containers()["bot"][0]
    assert {"secretRef": {"name": "notesbot-slack"}} in bot["envFrom"]
    for name, (container, _) in _containers().items():
        for env in container.get("env", []):
            assert not (env["name"].startswith("SLACK_") and "value" in env), name
        if name != "bot":
            assert not any("secretRef" in e for e in container["envFrom"]), name
    assert not any(k.startswith("SLACK_") for k in _config())


def test_pods_run_as_the_images_user_on_a_read_only_root() -> None:
    for name, (container, pod) in _containers().items():
        security = pod["securityContext"]
        assert security["runAsNonRoot"] and security["runAsUser"] == IMAGE_UID, name
        assert security["fsGroup"] == IMAGE_UID, name  # the volume is writable by it
        assert container["securityContext"]["readOnlyRootFilesystem"], name
        mounted = {m["mountPath"] for m in container["volumeMounts"]}
        assert "/tmp" in mounted, name


def test_the_bots_probes_ask_healthz_on_its_port() -> None:
    bot = _containers()["bot"][0]
    [port] = bot["ports"]
    assert port["containerPort"] == int(_image_env()["NOTESBOT_PORT"])
    for probe in ("readinessProbe", "livenessProbe"):
        assert bot[probe]["httpGet"] == {"path": "/healthz", "port": port["name"]}


def test_every_notesbot_setting_named_in_deployment_files_exists() -> None:
    """A misspelt variable is silently ignored by the bot: catch it here."""
    known = {f"NOTESBOT_{name.upper()}" for name in Settings.model_fields}
    texts = [DOCKERFILE.read_text(), (DEPLOY / "crontab.example").read_text()]
    texts += [p.read_text() for p in DEPLOY.glob("*.yaml")]
    named = {m for t in texts for m in re.findall(r"\bNOTESBOT_[A-Z_]+\b", t)}
    assert named and named <= known, named - known
