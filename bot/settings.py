"""All settings, from the environment (and `.env`), in one place.

The variable names are a contract with deployments and outside checks:
SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, NOTESBOT_PORT,
NOTESBOT_SLACK_API_URL, NOTESBOT_DATABASE_URL and the NOTESBOT_* paths below. Tests build
`Settings(_env_file=None, ...)` explicitly.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.config import DEFAULT_MODEL, DEFAULT_PRECISION, INDEX_TYPES, PRECISIONS, IndexConfig
from index.freshness import DEFAULT_STALE_AFTER, parse_age

SLACK_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NOTESBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Slack credentials: secrets, never logged or shown.
    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token")
    )
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token")
    )
    slack_api_url: str = SLACK_API_URL  # NOTESBOT_SLACK_API_URL: a fake Slack in tests/staging

    # The notes and their index.
    corpus: Path = Path("corpus")  # NOTESBOT_CORPUS
    index: Path = Path("data/index")  # NOTESBOT_INDEX
    model: str = DEFAULT_MODEL  # NOTESBOT_MODEL: a path or a hub name
    model_cache: Path | None = None  # NOTESBOT_MODEL_CACHE (default: ~/.cache/notesbot/models)
    index_type: str = "auto"  # NOTESBOT_INDEX_TYPE: auto, flat, hnsw, ivf
    model_precision: str = DEFAULT_PRECISION  # NOTESBOT_MODEL_PRECISION: fp32, int8
    base_url: str | None = None  # NOTESBOT_BASE_URL: links to the notes repo
    top_k: int = Field(3, ge=1, le=20)  # NOTESBOT_TOP_K

    # The Slack bot.
    port: int = Field(3000, ge=0, le=65535)  # NOTESBOT_PORT
    host: str = "0.0.0.0"  # NOTESBOT_HOST
    command: str = "/notes"  # NOTESBOT_COMMAND
    feedback_file: Path = Path("data/feedback.jsonl")  # NOTESBOT_FEEDBACK_FILE
    follow_ups: bool = True  # NOTESBOT_FOLLOW_UPS: answer replies in threads it answered
    threads: int = Field(8, ge=1, le=64)  # NOTESBOT_THREADS: HTTP worker threads

    # The bot's thread store: conversations in threads, messages answered.
    thread_db: Path = Path("data/threads.sqlite3")  # NOTESBOT_THREAD_DB: SQLite, one bot
    database_url: SecretStr | None = None  # NOTESBOT_DATABASE_URL: postgresql://, replicas
    thread_days: float = Field(7.0, gt=0, le=365)  # NOTESBOT_THREAD_DAYS: kept this long

    # Logs.
    log_level: str = "INFO"  # NOTESBOT_LOG_LEVEL
    log_questions: bool = False  # NOTESBOT_LOG_QUESTIONS: the user's text at info level

    # Freshness and what the notes miss (README: "Old notes and missing notes").
    stale_after: str = DEFAULT_STALE_AFTER  # NOTESBOT_STALE_AFTER: 18m, 540d, 2y; 0 is off
    gaps_file: Path | None = None  # NOTESBOT_GAPS_FILE (default: beside NOTESBOT_FEEDBACK_FILE)
    gaps_days: int = Field(90, ge=0, le=3650)  # NOTESBOT_GAPS_DAYS: kept this long; 0: none kept
    gaps_channel: str | None = None  # NOTESBOT_GAPS_CHANNEL: `notesbot gaps --post` posts here

    @field_validator("stale_after")
    @classmethod
    def _age(cls, value: str) -> str:
        parse_age(value)  # ValueError: the one line the CLI shows
        return value

    @field_validator("index_type")
    @classmethod
    def _known_index_type(cls, value: str) -> str:
        if value not in INDEX_TYPES:
            raise ValueError(f"must be one of {', '.join(INDEX_TYPES)}")
        return value

    @field_validator("model_precision")
    @classmethod
    def _known_precision(cls, value: str) -> str:
        if value not in PRECISIONS:
            raise ValueError(f"must be one of {', '.join(PRECISIONS)}")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value.upper()

    @field_validator("command")
    @classmethod
    def _slash(cls, value: str) -> str:
        return value if value.startswith("/") else "/" + value

    @field_validator("database_url", mode="before")
    @classmethod
    def _postgres_url(cls, value: object) -> object:
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql://user:password@host/db URL")
        return value

    @field_validator("base_url", "model_cache", "gaps_file", "gaps_channel", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def gaps_path(self) -> Path:
        return self.gaps_file or Path(self.feedback_file).with_name("gaps.sqlite")

    def index_config(self) -> IndexConfig:
        return IndexConfig(
            corpus_dir=self.corpus,
            index_dir=self.index,
            model=self.model,
            model_cache=self.model_cache,
            base_url=self.base_url,
            index_type=self.index_type,
            stale_after_days=parse_age(self.stale_after),
            precision=self.model_precision,
        )
