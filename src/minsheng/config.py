"""Settings from the environment (MINSHENG_*), in one place."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "minsheng-development-secret-do-not-use-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MINSHENG_", env_file=".env", extra="ignore")

    var_dir: Path = Field(Path("var"), description="where the embedded database and data live")
    database_url: str = Field("", description="SQLAlchemy URL; empty means a SQLite file under var_dir")
    data_dir: Path = Field(Path(""), description="Parquet snapshots and exports; empty means var_dir/data")
    secret_key: str = Field(DEVELOPMENT_SECRET, description="signs sessions; derives keys not set below")
    pii_keys: str = Field(
        "", description="AES-256 keys for ID numbers as 'version:base64,…'; the highest version encrypts"
    )
    pii_index_key: str = Field("", description="HMAC key (base64) of the ID-number blind index")
    language: str = Field("zh", description="default language of pages and messages: zh or en")
    timezone: str = Field("Asia/Shanghai")
    session_idle_minutes: int = 30
    request_threads: int = Field(
        8, description="threads per server process for blocking work; more only queue for Python's lock"
    )
    login_max_failures: int = 5
    login_lockout_minutes: int = 15

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.var_dir / 'minsheng.db').resolve()}"

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir if str(self.data_dir) not in ("", ".") else self.var_dir / "data"

    def derived_key(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose, derived from the secret when none is configured."""
        return hashlib.sha256(f"{purpose}\0{self.secret_key}".encode()).digest()

    def encryption_keys(self) -> dict[int, bytes]:
        if not self.pii_keys:
            return {1: self.derived_key("pii-encryption")}
        keys: dict[int, bytes] = {}
        for item in self.pii_keys.split(","):
            version, _, encoded = item.strip().partition(":")
            keys[int(version)] = base64.b64decode(encoded)
        return keys

    def index_key(self) -> bytes:
        if self.pii_index_key:
            return base64.b64decode(self.pii_index_key)
        return self.derived_key("pii-blind-index")


@lru_cache
def get_settings() -> Settings:
    return Settings()
