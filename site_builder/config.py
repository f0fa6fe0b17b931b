"""Read the site settings from site.yml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, yaml_problem
from .publish import base_url_problem

CONFIG_FILE = "site.yml"


@dataclass(frozen=True)
class Config:
    """Where the inputs live, where the site goes, and the site's own words."""

    root: Path
    title: str
    description: str
    publisher: str
    language: str
    datapackage: Path
    content_dir: Path
    templates_dir: Path
    output_dir: Path
    base_url: str = ""  # where the site will be published (absolute links for embeds, social cards, canonical links, sitemap); optional
    story: Path | None = None  # the story's package folder; None: a site of content pages only
    options: Mapping[str, Any] = field(default_factory=dict, hash=False)  # the settings the engine doesn't know: the story's own

    @property
    def settings_path(self) -> Path:
        """Return the settings file."""
        return self.root / CONFIG_FILE

    @property
    def data_dir(self) -> Path:
        """Return the folder that holds the data package."""
        return self.datapackage.parent


_REQUIRED = ("title", "description")
ENGINE_KEYS = {"title", "description", "publisher", "language", "data", "content", "templates", "output", "base_url", "story"}


def load_config(root: Path, output: Path | None = None, base_url: str | None = None) -> Config:
    """Read site.yml under `root`; `output` overrides its output folder, and `base_url` its published address."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(
            "no site settings found",
            path,
            hint="run site-builder from the project folder, or pass --root",
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        problem, line = yaml_problem(error)
        raise ConfigError(f"not valid YAML: {problem}", path, line) from None
    if not isinstance(raw, dict):
        raise ConfigError("expected key: value settings", path)
    for key in _REQUIRED:
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ConfigError(f"key '{key}' must be a non-empty text", path, column=key)
    story = raw.get("story")
    if story is not None and (not isinstance(story, str) or not story.strip()):
        raise ConfigError("key 'story' must name the story's package folder", path, column="story")
    address = _base_url(raw, path, base_url)
    return Config(
        root=root,
        title=raw["title"],
        description=raw["description"],
        publisher=str(raw.get("publisher", "")),
        language=str(raw.get("language", "en-GB")),
        datapackage=root / str(raw.get("data", "data/datapackage.json")),
        content_dir=root / str(raw.get("content", "content")),
        templates_dir=root / str(raw.get("templates", "templates")),
        output_dir=output if output is not None else root / str(raw.get("output", "_site")),
        base_url=address,
        story=root / story if story else None,
        options={key: value for key, value in raw.items() if key not in ENGINE_KEYS},  # the story checks them
    )


def _base_url(raw: Mapping[str, Any], path: Path, given: str | None) -> str:
    """Return the published address: `given` on the command line (a CI job's own), else site.yml's; '' when neither."""
    if given is not None:
        problem = base_url_problem(given)
        if problem:
            raise ConfigError(f"--base-url {problem}", hint="give the address the site is published at, e.g. --base-url https://example.org/story/")
        return given
    setting = str(raw.get("base_url") or "")
    problem = base_url_problem(setting) if setting else None
    if problem:
        raise ConfigError(f"'base_url' must be an http(s) address ending in '/': {problem}", path, column="base_url")
    return setting
