"""Locker test fixtures: residents, an S3 server (moto), stores on both backends, a key ring.

moto's `ThreadedMotoServer` runs in a child process started here, on a free 127.0.0.1 port it
picks itself. Running it out of process keeps its memory out of ours: moto joins a multipart upload
into one in-memory buffer, which would otherwise swamp the tracemalloc measurements that prove the
locker streams.
"""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aioboto3
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.locker.backend import StoreBackend
from app.locker.crypto import KeyRing
from app.locker.file_backend import FileBackend
from app.locker.policy import LockerPolicy
from app.locker.s3_backend import S3Backend
from app.locker.store import BlobStore
from tests.support.locker import make_resident
from tests.support.media import sample_key

BUCKET = "loket-test"
_MOTO_CHILD = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()  # serve until the test run closes our stdin (or dies)
server.stop()
"""
_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of a running moto S3 server holding the bucket `loket-test`."""
    child = subprocess.Popen(
        [sys.executable, "-c", _MOTO_CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    port = child.stdout.readline().strip()
    if not port.isdigit():
        child.kill()
        raise RuntimeError("moto server did not start")
    endpoint = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in _AWS_ENV.items():
            patch.setenv(name, value)
        import boto3  # type: ignore[import-untyped]

        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
        yield endpoint
    child.stdin.close()
    child.stdout.close()
    child.wait(timeout=20)


@pytest.fixture(scope="session")
def aws_session(moto_endpoint: str) -> aioboto3.Session:
    """One botocore session for the run: it caches the S3 service model between clients."""
    return aioboto3.Session()


@pytest.fixture
def s3_prefix() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


@pytest.fixture(params=["file", "s3"])
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, s3_prefix: str
) -> AsyncIterator[StoreBackend]:
    """Each test using it runs twice: on a local folder and on S3."""
    if request.param == "file":
        made: StoreBackend = FileBackend(tmp_path_factory.mktemp("locker"))
    else:
        endpoint = request.getfixturevalue("moto_endpoint")
        session = request.getfixturevalue("aws_session")
        made = S3Backend(BUCKET, s3_prefix, endpoint_url=endpoint, session=session)
    yield made
    await made.aclose()


@pytest.fixture
def keys() -> KeyRing:
    return KeyRing.parse(f"new:{sample_key(2)},old:{sample_key(1)}")


@pytest.fixture(params=["plain", "encrypted"])
def store(request: pytest.FixtureRequest, backend: StoreBackend, keys: KeyRing) -> BlobStore:
    """A blob store on each backend, with and without encryption at rest (four variants)."""
    return BlobStore(backend, keys if request.param == "encrypted" else None)


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """Like `db_session` (rolled back after the test) but with `expire_on_commit=False`, as the
    project's sessionmaker makes them: the locker commits its short writes itself."""
    async with engine.connect() as conn:
        await conn.begin()
        made = AsyncSession(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield made
        finally:
            await made.close()
            await conn.rollback()


@pytest.fixture
async def resident_id(session: AsyncSession) -> int:
    return await make_resident(session)


@pytest.fixture
async def file_store(tmp_path: Path) -> AsyncIterator[BlobStore]:
    store = BlobStore(FileBackend(tmp_path / "locker"))
    yield store
    await store.aclose()


@pytest.fixture
def policy(tmp_path: Path) -> LockerPolicy:
    spool = tmp_path / "spool"
    spool.mkdir()
    return LockerPolicy(spool_dir=spool)
