"""The deployment files fit together: what docker compose would otherwise only reveal at start."""
from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT
from tests.infra import NGINX_TEMPLATE

COMPOSE = yaml.safe_load((ROOT / "deploy" / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_every_long_running_service_has_a_health_check():
    without = [name for name, service in SERVICES.items()
               if "healthcheck" not in service and name != "purger"]
    assert without == []


def test_nginx_gets_every_variable_its_template_uses():
    used = set(re.findall(r"\$\{(\w+)\}", NGINX_TEMPLATE.read_text()))
    assert used == set(SERVICES["nginx"]["environment"])


def test_replicas_share_postgres_and_redis_and_log_json():
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2", "web", "purger"):
        env = SERVICES[name]["environment"]
        assert env["DB_URL"].startswith("postgresql://") and env["REDIS_URL"].startswith("redis://")
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2"):
        assert "--logging-config-file bot/logging.yml" in SERVICES[name]["command"]


def test_every_process_that_may_run_whatsapp_gets_the_one_required_sender_id_key():
    """Without it each container would make a key of its own: a number would be another
    conversation on each replica, and a reply could not find the number behind it."""
    whatsapp = {name: service["environment"] for name, service in SERVICES.items()
                if "WHATSAPP_ACCESS_TOKEN" in service.get("environment", {})}
    assert {"rasa-1", "rasa-2"} <= set(whatsapp)
    assert {env["SENDER_ID_KEY"] for env in whatsapp.values()} == {
        "${SENDER_ID_KEY:?set SENDER_ID_KEY}"}
