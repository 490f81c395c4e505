"""The deployment artefacts hold together: compose, Kubernetes manifests, Dockerfiles, env names.

Parsed with PyYAML (``safe_load_all``) and checked for the properties that matter in
production (probes, resources, non-root, a single beat, migrations before serving) and for
cross-references that a typo would break (env names the settings really read, roles the
entrypoint knows, volumes, Secrets, Services, image versions).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.infra.conftest import (
    ENTRYPOINT,
    INFRA,
    K8S,
    ROOT,
    compose,
    entrypoint_roles,
    k8s_files,
    k8s_objects,
    load_yaml_docs,
)

APP_IMAGE = "nuri-app"
APP_USER = 10001
APP_SERVICES = ("migrate", "static", "web", "worker", "beat")


# --- env names ----------------------------------------------------------------------------
def settings_env_names() -> set[str]:
    """Names read by config/settings/*.py (env(...), env.bool(...), os.environ...)."""
    names: set[str] = set()
    pattern = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
    for path in sorted((ROOT / "config" / "settings").glob("*.py")):
        names.update(pattern.findall(path.read_text()))
    for path in [*(ROOT / "config").glob("*.py"), *(ROOT / "config" / "settings").glob("*.py")]:
        names.update(
            re.findall(
                r"""os\.(?:environ\.get|environ\.setdefault|getenv)\(\s*["']([A-Z][A-Z0-9_]*)""",
                path.read_text(),
            )
        )
    return names


def infra_env_names() -> set[str]:
    """Names read by the entrypoint and the Python helpers it runs."""
    names = set(
        re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (INFRA / "docker" / "entrypoint.sh").read_text())
    )
    for path in (INFRA / "docker").glob("*.py"):
        names.update(
            re.findall(
                r"""(?:os\.environ\.get|os\.environ\.setdefault|os\.getenv|_int)\(\s*["']([A-Z][A-Z0-9_]*)""",
                path.read_text(),
            )
        )
    return names


def compose_interpolated_names() -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (INFRA / "compose.yaml").read_text()))


def env_example_names() -> list[str]:
    """Every ``NAME=`` of infra/env.example, set or commented out (``# NAME=``)."""
    return re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (INFRA / "env.example").read_text(), re.M)


def test_settings_env_names_are_found():
    names = settings_env_names()
    # The scan itself works (multi-line calls included), or every check below is hollow.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "SELLING_KINDS"} <= names
    assert {"WEB_CONCURRENCY", "CELERY_CONCURRENCY", "WAIT_FOR_TIMEOUT", "PORT"} <= (
        infra_env_names()
    )


def test_env_example_names_are_read_by_someone():
    known = settings_env_names() | infra_env_names() | compose_interpolated_names()
    names = env_example_names()
    assert len(names) > 30
    assert sorted(set(names) - known) == []
    assert len(names) == len(set(names)), "a name is listed twice in env.example"


# Read by the settings but deliberately left out of env.example: decree numbers, the lists of
# certification kinds and development switches keep their defaults in production.
NOT_IN_ENV_EXAMPLE = {
    "DJANGO_DEBUG",
    "DJANGO_SETTINGS_MODULE",
    "AXES_ENABLED",
    "CELERY_TASK_ALWAYS_EAGER",
    "PRIORITY_PURCHASE_KINDS",
    "SELLING_KINDS",
}


def test_env_example_lists_every_setting():
    listed = set(env_example_names())
    missing = {
        name
        for name in settings_env_names() - listed - NOT_IN_ENV_EXAMPLE
        if not name.startswith("PROCUREMENT_")
    }
    assert sorted(missing) == [], "read by config/settings but missing from infra/env.example"


def test_compose_app_environment_names_are_read():
    known = settings_env_names() | infra_env_names()
    services = compose()["services"]
    for name in APP_SERVICES:
        env = services[name].get("environment", {})
        assert isinstance(env, dict)
        assert sorted(set(env) - known) == [], name


def test_k8s_env_names_are_read():
    known = settings_env_names() | infra_env_names()
    objects = k8s_objects(include_examples=True)
    (configmap,) = [d for _, d in objects if d["kind"] == "ConfigMap"]
    (secret,) = [d for _, d in objects if d["kind"] == "Secret"]
    assert sorted(set(configmap["data"]) - known) == []
    assert sorted(set(secret["stringData"]) - known) == []
    for _path, doc in objects:
        for container in app_containers(doc):
            names = {e["name"] for e in container.get("env", [])}
            assert sorted(names - known) == [], container["name"]


def test_k8s_secrets_stay_out_of_the_configmap():
    objects = k8s_objects(include_examples=True)
    (configmap,) = [d for _, d in objects if d["kind"] == "ConfigMap"]
    secretish = re.compile(r"SECRET|PASSWORD|DSN|DATABASE_URL|TOKEN")
    assert [k for k in configmap["data"] if secretish.search(k)] == []
    assert all(isinstance(v, str) for v in configmap["data"].values()), "quote numbers/bools"


def _production_required() -> set[str]:
    text = (ROOT / "config" / "settings" / "production.py").read_text()
    return set(re.findall(r"""_missing\(\s*["']([A-Z][A-Z0-9_]*)["']""", text)) | {"DATABASE_URL"}


@pytest.mark.skipif(
    not (ROOT / "config" / "settings" / "production.py").exists(),
    reason="config/settings/production.py is not written yet",
)
def test_required_production_settings_are_provided():
    required = _production_required()
    assert {"DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"} <= required
    objects = k8s_objects(include_examples=True)
    (configmap,) = [d for _, d in objects if d["kind"] == "ConfigMap"]
    (secret,) = [d for _, d in objects if d["kind"] == "Secret"]
    assert sorted(required - set(configmap["data"]) - set(secret["stringData"])) == []
    services = compose()["services"]
    set_in_example = set(
        re.findall(r"^([A-Z][A-Z0-9_]*)=", (INFRA / "env.example").read_text(), re.M)
    )
    for name in ("web", "worker", "beat", "migrate"):
        provided = set(services[name]["environment"]) | set_in_example
        assert sorted(required - provided) == [], name


# --- Kubernetes -----------------------------------------------------------------------------
def pod_spec(doc: dict) -> dict | None:
    kind = doc["kind"]
    if kind in {"Deployment", "StatefulSet", "DaemonSet", "Job"}:
        return doc["spec"]["template"]["spec"]
    if kind == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def all_containers(doc: dict) -> list[dict]:
    spec = pod_spec(doc)
    if spec is None:
        return []
    return [*spec.get("initContainers", []), *spec["containers"]]


def app_containers(doc: dict) -> list[dict]:
    return [c for c in all_containers(doc) if c["image"] == APP_IMAGE]


def objects_by_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for _, d in k8s_objects() if d["kind"] == kind}


def test_every_manifest_parses_and_names_itself():
    objects = k8s_objects(include_examples=True)
    assert len(objects) >= 15
    for path, doc in objects:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), path.name
        assert doc["metadata"].get("name"), path.name


def test_kustomization_lists_every_manifest_and_only_existing_files():
    (kustomization,) = load_yaml_docs(K8S / "kustomization.yaml")
    listed = kustomization["resources"]
    assert len(listed) == len(set(listed)), "a resource is listed twice"
    for name in listed:
        assert (K8S / name).is_file(), f"kustomization lists missing {name}"
    expected = {p.name for p in k8s_files() if not p.name.endswith(".example.yaml")}
    assert set(listed) == expected
    # The templates of secrets are never applied.
    assert not [n for n in listed if "example" in n or "secret" in n]
    assert {i["name"] for i in kustomization["images"]} == {APP_IMAGE, "nuri-nginx"}


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_builds_with_the_release_images():
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    assert all(d["metadata"].get("namespace") == "nuri" for d in docs if d["kind"] != "Namespace")
    images = {c["image"] for d in docs for c in all_containers(d)}
    assert APP_IMAGE not in images
    assert "nuri-nginx" not in images
    assert any(i.startswith("registry.example.kr/nuri/app:") for i in images)


def test_deployment_containers_have_probes_resources_and_run_as_non_root():
    deployments = objects_by_kind("Deployment")
    assert {"nuri-web", "nuri-worker", "nuri-beat"} <= set(deployments)
    for name, doc in deployments.items():
        spec = pod_spec(doc)
        pod_sc = spec.get("securityContext", {})
        assert spec.get("automountServiceAccountToken") is False, name
        for container in spec["containers"]:
            where = f"{name}/{container['name']}"
            assert "livenessProbe" in container, where
            assert "readinessProbe" in container, where
        for container in all_containers(doc):
            where = f"{name}/{container['name']}"
            resources = container.get("resources", {})
            for part in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(part, {})), f"{where} {part}"
            sc = container.get("securityContext", {})
            assert sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is True, where
            assert sc.get("runAsUser", pod_sc.get("runAsUser")) == APP_USER, where
            assert sc.get("readOnlyRootFilesystem") is True, where
            assert sc.get("allowPrivilegeEscalation") is False, where
            assert sc.get("capabilities", {}).get("drop") == ["ALL"], where
            # A read-only root needs a writable /tmp.
            mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
            if container["image"] == APP_IMAGE and container["args"][0] != "export-static":
                assert "/tmp" in mounts, where
                volume = next(v for v in spec["volumes"] if v["name"] == mounts["/tmp"])
                assert "emptyDir" in volume, where


def test_jobs_run_as_non_root_with_resources():
    for kind in ("Job", "CronJob"):
        for name, doc in objects_by_kind(kind).items():
            spec = pod_spec(doc)
            assert spec["restartPolicy"] in {"Never", "OnFailure"}, name
            for container in all_containers(doc):
                sc = container.get("securityContext", {})
                assert sc.get("runAsNonRoot", spec["securityContext"].get("runAsNonRoot")), name
                assert {"requests", "limits"} <= set(container["resources"]), name


def test_web_serves_with_probes_on_health_endpoints_and_several_replicas():
    web = objects_by_kind("Deployment")["nuri-web"]
    assert web["spec"]["replicas"] >= 2
    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    (gunicorn,) = [c for c in pod_spec(web)["containers"] if c["name"] == "web"]
    assert gunicorn["args"] == ["web"]
    assert gunicorn["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert gunicorn["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert gunicorn["startupProbe"]["httpGet"]["path"] == "/healthz"
    # New pods wait until the release's migrations are applied.
    init_args = [c["args"] for c in pod_spec(web)["initContainers"]]
    assert ["wait-for", "db", "migrations"] in init_args
    assert ["export-static", "/srv/static"] in init_args


def test_web_static_sidecar_matches_nginx_conf():
    web = objects_by_kind("Deployment")["nuri-web"]
    spec = pod_spec(web)
    (nginx,) = [c for c in spec["containers"] if c["name"] == "nginx"]
    assert nginx["image"] == "nuri-nginx"
    mounts = {m["mountPath"]: m for m in nginx["volumeMounts"]}
    conf = (INFRA / "nginx" / "nginx.conf").read_text()
    # nginx.conf serves /static/ and /media/ from root /srv, proxies to web:8000, listens 8080.
    assert re.search(r"location /static/ \{\s*root /srv;", conf)
    assert mounts["/srv/static"]["readOnly"] is True
    assert mounts["/srv/media"]["readOnly"] is True
    assert "server web:8000;" in conf
    assert "listen 8080" in conf
    assert {"ip": "127.0.0.1", "hostnames": ["web"]} in spec["hostAliases"]
    assert nginx["ports"][0]["containerPort"] == 8080
    # The static emptyDir is the one the init container fills.
    (static_init,) = [c for c in spec["initContainers"] if c["args"][0] == "export-static"]
    assert {m["name"] for m in static_init["volumeMounts"]} == {mounts["/srv/static"]["name"]}


def test_service_ingress_hpa_and_pdb_point_at_real_objects():
    deployments = objects_by_kind("Deployment")
    web = deployments["nuri-web"]
    web_labels = web["spec"]["template"]["metadata"]["labels"]
    service = objects_by_kind("Service")["nuri-web"]
    assert service["spec"]["selector"].items() <= web_labels.items()
    port_names = {p.get("name") for c in pod_spec(web)["containers"] for p in c.get("ports", [])}
    assert service["spec"]["ports"][0]["targetPort"] in port_names

    (ingress,) = objects_by_kind("Ingress").values()
    assert ingress["spec"]["tls"][0]["hosts"]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "nuri-web"
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
    body = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    from django.conf import settings

    assert int(body.rstrip("m")) * 1024 * 1024 > settings.MAX_UPLOAD_BYTES
    assert f"client_max_body_size {body};" in (INFRA / "nginx" / "nginx.conf").read_text()

    hpas = objects_by_kind("HorizontalPodAutoscaler")
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()}
    assert targets == {"nuri-web", "nuri-worker"}
    assert targets <= set(deployments)
    for hpa in hpas.values():
        target = deployments[hpa["spec"]["scaleTargetRef"]["name"]]
        assert hpa["spec"]["minReplicas"] <= target["spec"]["replicas"]

    (pdb,) = objects_by_kind("PodDisruptionBudget").values()
    assert pdb["spec"]["selector"]["matchLabels"].items() <= web_labels.items()


def test_beat_is_a_singleton():
    beat = objects_by_kind("Deployment")["nuri-beat"]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"]["type"] == "Recreate"
    roles = [c["args"][0] for _, d in k8s_objects() for c in app_containers(d)]
    assert roles.count("beat") == 1
    assert "nuri-beat" not in {
        h["spec"]["scaleTargetRef"]["name"]
        for h in objects_by_kind("HorizontalPodAutoscaler").values()
    }


def test_worker_probes_ping_it_and_it_has_time_to_finish_tasks():
    worker = objects_by_kind("Deployment")["nuri-worker"]
    spec = pod_spec(worker)
    assert spec["terminationGracePeriodSeconds"] >= 300
    (container,) = spec["containers"]
    assert container["args"] == ["worker"]
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["exec"]["command"][-1] == "worker-ping"


def test_migrate_is_a_job_run_per_release():
    jobs = objects_by_kind("Job")
    job = jobs["nuri-migrate"]
    assert job["spec"]["backoffLimit"] >= 1
    assert job["spec"]["ttlSecondsAfterFinished"] > 0
    (container,) = pod_spec(job)["containers"]
    assert container["args"] == ["migrate"]
    assert not [
        d
        for d in objects_by_kind("Deployment").values()
        if any(c["args"][0] == "migrate" for c in app_containers(d))
    ]


def test_backup_cronjob_dumps_in_custom_format_to_a_declared_volume():
    (cron,) = objects_by_kind("CronJob").values()
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    spec = pod_spec(cron)
    (container,) = spec["containers"]
    script = container["args"][0]
    assert "pg_dump --format=custom" in script
    # The dump tool's major version is the server's (compose runs postgres:15).
    assert container["image"] == compose()["services"]["postgres"]["image"]
    claims = {
        v["persistentVolumeClaim"]["claimName"]
        for v in spec["volumes"]
        if "persistentVolumeClaim" in v
    }
    assert claims <= set(objects_by_kind("PersistentVolumeClaim"))
    for name in {e["name"] for e in container["env"]}:
        assert "${" + name + "}" in script, name


def test_references_resolve():
    objects = k8s_objects(include_examples=True)
    names = {(d["kind"], d["metadata"]["name"]) for _, d in objects}
    for _path, doc in objects:
        spec = pod_spec(doc)
        if spec is None:
            continue
        assert ("ServiceAccount", spec["serviceAccountName"]) in names
        for volume in spec.get("volumes", []):
            if "persistentVolumeClaim" in volume:
                claim = volume["persistentVolumeClaim"]["claimName"]
                assert ("PersistentVolumeClaim", claim) in names
        for container in all_containers(doc):
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert ("ConfigMap", source["configMapRef"]["name"]) in names
                if "secretRef" in source:
                    assert ("Secret", source["secretRef"]["name"]) in names
            mounted = {m["name"] for m in container.get("volumeMounts", [])}
            assert mounted <= {v["name"] for v in spec.get("volumes", [])}


def test_roles_and_probe_commands_exist_in_the_entrypoint():
    roles = entrypoint_roles()
    assert {"web", "worker", "beat", "migrate", "reindex", "manage", "check"} <= roles
    for _path, doc in k8s_objects():
        for container in app_containers(doc):
            assert container["args"][0] in roles, container["name"]
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                command = container.get(probe, {}).get("exec", {}).get("command")
                if command:
                    assert command[0] == "/app/infra/docker/entrypoint.sh"
                    assert command[1] in roles
    for name, service in compose()["services"].items():
        if service.get("image", "").startswith("${NURI_IMAGE"):
            assert service["command"][0] in roles, name


# --- compose -------------------------------------------------------------------------------
def test_compose_has_the_stack_and_exactly_one_beat():
    services = compose()["services"]
    assert {
        "web",
        "worker",
        "beat",
        "migrate",
        "static",
        "nginx",
        "postgres",
        "redis",
        "elasticsearch",
    } <= set(services)
    beats = [n for n, s in services.items() if s.get("command", [None])[0] == "beat"]
    assert beats == ["beat"]
    assert services["beat"]["deploy"]["replicas"] == 1
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == ".env", name
        assert service["build"]["dockerfile"] == "infra/docker/Dockerfile"
        assert (INFRA / service["build"]["context"] / service["build"]["dockerfile"]).is_file()


def test_compose_dependencies_and_healthchecks():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "/healthz" in services["web"]["healthcheck"]["test"]
    assert services["web"]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    assert services["nginx"]["depends_on"]["static"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    # Korean search on PostgreSQL needs a UTF-8 ctype.
    assert "C.UTF-8" in services["postgres"]["environment"]["POSTGRES_INITDB_ARGS"]


def test_compose_volumes_are_declared_and_static_is_shared_with_nginx():
    doc = compose()
    declared = set(doc["volumes"])
    for name, service in doc["services"].items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in declared, f"{name}: {source}"
    assert "static:/srv/static" in doc["services"]["static"]["volumes"]
    assert "static:/srv/static:ro" in doc["services"]["nginx"]["volumes"]
    assert "media:/srv/media:ro" in doc["services"]["nginx"]["volumes"]
    assert doc["services"]["static"]["command"] == ["export-static", "/srv/static"]


def test_elasticsearch_image_has_nori_and_matches_the_client():
    service = compose()["services"]["elasticsearch"]
    dockerfile = (INFRA / service["build"]["context"] / "Dockerfile").read_text()
    pin = re.search(r"^elasticsearch==([\d.]+)$", (ROOT / "requirements.txt").read_text(), re.M)
    assert pin, "elasticsearch client is pinned in requirements.txt"
    assert f"FROM docker.elastic.co/elasticsearch/elasticsearch:{pin.group(1)}\n" in dockerfile
    assert re.search(r"RUN bin/elasticsearch-plugin install --batch analysis-nori", dockerfile)
    assert service["environment"]["discovery.type"] == "single-node"
    assert "-Xmx" in service["environment"]["ES_JAVA_OPTS"]


# --- Dockerfile, shell ---------------------------------------------------------------------
def dockerfile_stages(path: Path) -> list[list[tuple[str, str]]]:
    """Instructions per stage, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction, rest.strip()))
    return stages


def test_dockerfile_final_stage_runs_the_entrypoint_as_non_root():
    stages = dockerfile_stages(INFRA / "docker" / "Dockerfile")
    assert len(stages) >= 2, "multi-stage build"
    builder, final = stages[0], stages[-1]
    assert any("python:3.11-slim-bookworm" in r for i, r in builder if i in {"FROM", "ARG"})
    assert any(i == "RUN" and "build-essential" in r for i, r in builder)
    assert not any(i == "RUN" and "build-essential" in r for i, r in final)
    users = [r for i, r in final if i == "USER"]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}
    assert users[-1].split(":")[0] == str(APP_USER)
    entrypoint = [r for i, r in final if i == "ENTRYPOINT"]
    assert entrypoint == ['["/app/infra/docker/entrypoint.sh"]']
    assert [r for i, r in final if i == "CMD"] == ['["web"]']
    healthcheck = [r for i, r in final if i == "HEALTHCHECK"]
    assert healthcheck
    assert "/healthz" in healthcheck[0]
    assert ("EXPOSE", "8000") in final
    envs = " ".join(r for i, r in final if i == "ENV")
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in envs
    assert any(i == "RUN" and "collectstatic --noinput" in r for i, r in final)
    assert any(i == "COPY" and "--from=builder /opt/venv" in r for i, r in final)
    # The files the image runs exist and the entrypoint is executable.
    assert (INFRA / "docker" / "entrypoint.sh").stat().st_mode & 0o111
    assert (INFRA / "docker" / "healthcheck.py").is_file()


def test_nginx_dockerfile_runs_as_the_app_user():
    (stage,) = dockerfile_stages(INFRA / "nginx" / "Dockerfile")
    assert ("USER", f"{APP_USER}:{APP_USER}") in stage
    assert ("COPY", "infra/nginx/nginx.conf /etc/nginx/nginx.conf") in stage


def test_dockerignore_keeps_the_context_small_and_secret_free():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".venv", "var", ".git", "staticfiles", "node_modules", ".env"} <= ignored


def shell_scripts() -> list[Path]:
    return sorted(p for p in INFRA.rglob("*.sh"))


def test_shell_scripts_parse():
    scripts = shell_scripts()
    assert ENTRYPOINT in scripts
    for script in scripts:
        out = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
        assert out.returncode == 0, f"{script}: {out.stderr}"
    (cron,) = objects_by_kind("CronJob").values()
    script = pod_spec(cron)["containers"][0]["args"][0]
    out = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_shellcheck():
    out = subprocess.run(
        ["shellcheck", "--severity=warning", *map(str, shell_scripts())],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
