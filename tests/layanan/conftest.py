"""The counter's tests use the verifikasi tests' simulator fixtures."""

from tests.verifikasi.conftest import connected, simulator  # noqa: F401
