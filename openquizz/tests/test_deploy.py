"""The production deployment's database setup, on a real three-member replica set
with keyfile authentication (what docker-compose.yml runs, without Docker).

Member 1 first starts alone, as the mongo image's entrypoint does, to create the
root user; then the three members start with `--replSet --keyFile` and
`manage.py setup_replica_set` initiates the set and creates the app's user.
The app then runs with that user's readWrite rights only.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from openquizz.mongod import find_binary, free_port

ROOT_DIR = Path(__file__).resolve().parents[2]
DATABASE = "openquizz_deploy_test"
UNAUTHORIZED = 13


class Member:
    def __init__(self, data_dir, keyfile):
        self.data_dir, self.keyfile = data_dir, keyfile
        self.port = free_port()
        self.process = None

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def start(self, replica_set=True):
        self.data_dir.mkdir(exist_ok=True)
        command = [
            find_binary(),
            "--bind_ip", "127.0.0.1",
            "--port", str(self.port),
            "--dbpath", str(self.data_dir),
            "--logpath", str(self.data_dir / "mongod.log"),
            "--keyFile", str(self.keyfile),
            "--wiredTigerCacheSizeGB", "0.25",
            "--setParameter", "diagnosticDataCollectionEnabled=false",
        ]  # fmt: skip
        if replica_set:
            command += ["--replSet", "rs0"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )

    def client(self, **credentials):
        return MongoClient(
            self.host, directConnection=True, serverSelectionTimeoutMS=30_000, **credentials
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(60)


@pytest.fixture(scope="module")
def secured_set(tmp_path_factory):
    """Three members with keyfile authentication and a root user, not yet a replica set."""
    base = tmp_path_factory.mktemp("deploy")
    keyfile = base / "keyfile"
    keyfile.write_text(os.urandom(300).hex())  # 600 characters: at most 1,024
    keyfile.chmod(0o400)
    secrets = {"root": base / "root_password", "app": base / "app_password"}
    for name, path in secrets.items():
        path.write_text(f"{name}-{os.urandom(12).hex()}\n")
    members = [Member(base / f"member{number}", keyfile) for number in (1, 2, 3)]
    first = members[0]
    # As the mongo image's entrypoint: alone, create root through the localhost exception.
    first.start(replica_set=False)
    try:
        with first.client() as client:
            client.admin.command(
                "createUser", "root", pwd=secrets["root"].read_text().strip(), roles=["root"]
            )
    finally:
        first.stop()
    for member in members:
        member.start()
    try:
        yield members, secrets
    finally:
        for member in members:
            member.stop()


def manage(*arguments, members, secrets, **environment):
    """Run manage.py as the deployment does: the app's user and root from secret files."""
    env = {
        **os.environ,
        "MONGODB_URI": f"mongodb://{','.join(m.host for m in members)}/?replicaSet=rs0",
        "MONGODB_NAME": DATABASE,
        "MONGODB_USERNAME": "openquizz",
        "MONGODB_PASSWORD_FILE": str(secrets["app"]),
        "MONGO_ROOT_USERNAME": "root",
        "MONGO_ROOT_PASSWORD_FILE": str(secrets["root"]),
        "MONGODB_MEMBERS": ",".join(member.host for member in members),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def app_client(members, secrets):
    return MongoClient(
        [member.host for member in members],
        replicaSet="rs0",
        username="openquizz",
        password=secrets["app"].read_text().strip(),
        serverSelectionTimeoutMS=30_000,
    )


def test_setup_initiates_the_set_and_creates_a_least_privileged_app_user(secured_set):
    members, secrets = secured_set

    first = manage("setup_replica_set", members=members, secrets=secrets)
    assert first.returncode == 0, first.stderr
    assert "initiated" in first.stdout
    assert "User 'openquizz' created: readWrite on 'openquizz_deploy_test' only." in first.stdout
    # On every later start: nothing to initiate, the user's password and roles set again.
    again = manage("setup_replica_set", members=members, secrets=secrets)
    assert again.returncode == 0, again.stderr
    assert "already initiated" in again.stdout
    assert "User 'openquizz' updated" in again.stdout

    with app_client(members, secrets) as client:
        assert len(client.admin.command("hello")["hosts"]) == 3
        client[DATABASE].probe.insert_one({"written": True})
        assert client[DATABASE].probe.count_documents({}) == 1
        with pytest.raises(OperationFailure) as other_database:
            client.other_database.probe.insert_one({"written": True})
        assert other_database.value.code == UNAUTHORIZED
        with pytest.raises(OperationFailure) as users:
            client.admin.command("usersInfo", "root")
        assert users.value.code == UNAUTHORIZED

    # The app itself runs on those rights: migrations, then the health check.
    migrated = manage("migrate", "--noinput", members=members, secrets=secrets)
    assert migrated.returncode == 0, migrated.stderr
    checked = manage("check_mongo", members=members, secrets=secrets)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "3 member(s)" in checked.stdout


def test_setup_refuses_clearly(secured_set):
    members, secrets = secured_set

    wrong_root = manage(
        "setup_replica_set", "--wait", "5", members=members, secrets=secrets,
        MONGO_ROOT_PASSWORD_FILE="", MONGO_ROOT_PASSWORD="not-the-password",
    )  # fmt: skip
    assert wrong_root.returncode == 1
    assert "MongoDB refused: Authentication failed." in wrong_root.stderr

    no_user = manage("setup_replica_set", members=members, secrets=secrets, MONGODB_USERNAME="")
    assert no_user.returncode == 1
    assert "Set MONGODB_USERNAME and MONGODB_PASSWORD" in no_user.stderr

    unreadable = manage(
        "setup_replica_set", members=members, secrets=secrets,
        MONGODB_PASSWORD_FILE=str(secrets["app"].parent / "missing"),
    )  # fmt: skip
    assert unreadable.returncode == 1
    assert "MONGODB_PASSWORD_FILE=" in unreadable.stderr
    assert "cannot be read" in unreadable.stderr


def test_compose_file_wires_the_setup_this_module_checks():
    compose = yaml.safe_load((ROOT_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    members = [services[f"mongo{number}"] for number in (1, 2, 3)]
    for member in members:
        assert member["command"][-2:] == ["--keyFile", "/run/mongo-keyfile/keyfile"]
        assert "--replSet" in member["command"]
    assert members[0]["environment"]["MONGO_INITDB_ROOT_PASSWORD_FILE"] == (
        "/run/secrets/mongo_root_password"
    )
    setup, web = services["mongo-setup"], services["web"]
    assert setup["command"] == ["python", "manage.py", "setup_replica_set"]
    hosts = setup["environment"]["MONGODB_MEMBERS"]
    assert f"mongodb://{hosts}/?replicaSet=rs0" == web["environment"]["MONGODB_URI"]
    assert web["depends_on"] == {"mongo-setup": {"condition": "service_completed_successfully"}}
    assert "healthz" in " ".join(web["healthcheck"]["test"])
    assert "MONGODB_PASSWORD" not in web["environment"]  # only the _FILE, from a secret
    assert set(web["secrets"]) == {"mongo_app_password", "django_secret_key"}
    # The image runs as an unprivileged user.
    dockerfile = (ROOT_DIR / "Dockerfile").read_text().splitlines()
    assert [line for line in dockerfile if line.startswith("USER ")] == ["USER openquizz"]
