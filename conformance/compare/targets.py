"""The targets of a comparison: each has a name (its column and report sub-dir), an endpoint
or ``reference`` (the embedded reference target, optionally with faults), its own users,
and its secrets named by environment variable, never given as values.

From the command line (``--target NAME=URL`` and ``--target-user NAME=USER``,
``--target-password-env NAME=ENVVAR``, ``--target-owner-user``,
``--target-owner-password-env``, ``--target-owner-id``, ``--target-wsdl``,
``--target-smtp-capture``, ``--target-fault NAME=FAULT``) or from a TOML file of
``[[target]]`` tables with the same keys (``name``, ``endpoint``, ``user``, ``password_env``,
``owner_user``, ``owner_password_env``, ``owner_id``, ``wsdl``, ``smtp_capture``,
``faults``). :func:`specs_from_tables` takes those tables already parsed, so the
configuration file of ``conformance run`` holds them too (``[[compare.target]]`` in
``conformance.toml`` or ``[[tool.conformance.compare.target]]`` in pyproject.toml), and
:func:`targets_from_args` adds the command line to them.
Every problem is a :class:`TargetSpecError` with one readable line."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REFERENCE = "reference"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
TEXT_KEYS = ("user", "owner_user", "owner_id", "wsdl", "smtp_capture", "password_env",
             "owner_password_env")
KEYS = frozenset({"name", "endpoint", "faults", *TEXT_KEYS})
# what a target other than the embedded reference must be given (nothing is inherited)
REQUIRED = ("user", "password_env", "owner_user", "owner_password_env", "owner_id")
# the per-target command-line options, by TargetSpec field
FLAGS = {"user": "--target-user", "password_env": "--target-password-env",
         "owner_user": "--target-owner-user", "owner_password_env": "--target-owner-password-env",
         "owner_id": "--target-owner-id", "wsdl": "--target-wsdl",
         "smtp_capture": "--target-smtp-capture", "faults": "--target-fault"}


class TargetSpecError(ValueError):
    """A target is named or described wrongly; the message is one line for the user."""


@dataclass
class TargetSpec:
    name: str
    endpoint: str  # an http(s) URL, or REFERENCE for the embedded reference target
    user: str = ""
    password_env: str = ""
    owner_user: str = ""
    owner_password_env: str = ""
    owner_id: str = ""
    wsdl: str = ""
    smtp_capture: str = ""
    faults: list[str] = field(default_factory=list)

    @property
    def embedded(self) -> bool:
        return self.endpoint == REFERENCE

    def secrets(self) -> dict[str, str]:
        """The passwords, read from the environment variables this target names."""
        out = {}
        for key, env in (("password", self.password_env),
                         ("owner_password", self.owner_password_env)):
            if env:
                value = os.environ.get(env)
                if not value:
                    raise TargetSpecError(f"target {self.name}: environment variable {env} "
                                          f"(its {key.replace('_', ' ')}) is not set")
                out[key] = value
        return out

    def check(self, in_file: bool = False) -> None:
        """``in_file``: the target was described in a file (name its keys, not flags)."""
        if not NAME.match(self.name):
            raise TargetSpecError(f"target name {self.name!r}: use letters, digits, '.', "
                                  "'_' or '-' (it names the column and the report sub-dir)")
        if self.embedded:
            from conformance.reference.faults import UnknownFault, validate_faults

            try:
                validate_faults(self.faults)
            except UnknownFault as exc:
                raise TargetSpecError(f"target {self.name}: {exc}") from None
            return
        parts = urlparse(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname or any(
                c.isspace() for c in self.endpoint):
            raise TargetSpecError(f"target {self.name}: {self.endpoint!r} is not an "
                                  f"http:// or https:// URL (or {REFERENCE!r})")
        if self.faults:
            raise TargetSpecError(f"target {self.name}: faults apply to the embedded "
                                  f"reference target only (endpoint = {REFERENCE!r})")
        missing = [key for key in REQUIRED if not getattr(self, key)]
        if missing and in_file:
            raise TargetSpecError(f"target {self.name}: missing key(s) {', '.join(missing)} "
                                  "(a target other than the embedded reference needs "
                                  f"{', '.join(REQUIRED)}; or give them as --target-... "
                                  "options)")
        if missing:
            raise TargetSpecError(f"target {self.name}: missing "
                                  f"{', '.join(FLAGS[k] for k in missing)} {self.name}=...")


def split_pair(value: str, flag: str) -> tuple[str, str]:
    name, sep, rest = value.partition("=")
    if not sep or not name or not rest:
        raise TargetSpecError(f"{flag} {value!r}: expected NAME=VALUE")
    return name, rest


def targets_from_args(targets: list[str], options: dict[str, list[str]],
                      with_reference: bool = True,
                      base: list[TargetSpec] | None = None,
                      origins: dict[str, str] | None = None) -> list[TargetSpec]:
    """``targets``: the ``--target NAME=URL`` values; ``options``: per-target settings keyed
    by the :class:`TargetSpec` field (``user``, ``password_env``, ..., ``faults``), each a
    list of ``NAME=VALUE`` strings. ``base``: targets read from a configuration file (not
    yet checked), which the command line adds to: ``--target`` with a name of the file
    sets that target's endpoint, keeping its other settings, and a per-target option sets
    that one key; ``origins`` says where each came from, for the error messages."""
    specs: dict[str, TargetSpec] = {}
    if with_reference:
        specs[REFERENCE] = TargetSpec(REFERENCE, REFERENCE)
    from_file = set()
    for spec in base or []:
        specs[spec.name] = spec
        from_file.add(spec.name)
    given: set[str] = set()
    for value in targets:
        name, endpoint = split_pair(value, "--target")
        if name in given or (name in specs and name not in from_file and not (
                name == REFERENCE and with_reference)):
            raise TargetSpecError(f"--target {value!r}: target {name} is named twice")
        given.add(name)
        if name in from_file:
            specs[name].endpoint = endpoint
        else:
            specs[name] = TargetSpec(name, endpoint)
    for key, values in options.items():
        flag = FLAGS[key]
        for value in values:
            name, setting = split_pair(value, flag)
            if name not in specs:
                raise TargetSpecError(f"{flag} {value!r}: no target named {name} "
                                      f"(known: {', '.join(specs)})")
            if key == "faults":
                specs[name].faults.append(setting)
            else:
                setattr(specs[name], key, setting)
    return checked(list(specs.values()), origins)


def specs_from_tables(tables: Any, source: str = "configuration", prefix: str = "target",
                      base_dir: Path | None = None) -> tuple[list[TargetSpec], dict[str, str]]:
    """The targets of ``[[prefix]]`` tables (not yet checked) and where each one is; a
    relative ``wsdl`` path is taken relative to ``base_dir`` (the file's folder)."""
    allowed = ", ".join(sorted(KEYS))
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise TargetSpecError(f"{source}: {prefix} must be an array of tables "
                              f"([[{prefix}]]) with the keys {allowed}")
    specs, origins = [], {}
    for index, table in enumerate(tables):
        where = f"{source}: {prefix}[{index}]"
        unknown = sorted(set(table) - KEYS)
        if unknown:
            raise TargetSpecError(f"{where}: unknown key {', '.join(map(repr, unknown))} "
                                  f"(allowed: {allowed}; a secret only as *_env, the name "
                                  "of its environment variable)")
        for key in ("name", "endpoint"):
            if not isinstance(table.get(key), str) or not table[key]:
                raise TargetSpecError(f"{where}: key {key!r} is required: a string"
                                      + (" (an http(s) URL or 'reference')"
                                         if key == "endpoint" else ""))
        faults = table.get("faults", [])
        if not isinstance(faults, list) or not all(isinstance(f, str) for f in faults):
            raise TargetSpecError(f"{where}: key 'faults' must be a list of fault names")
        texts = {k: table[k] for k in TEXT_KEYS if k in table}
        for key, value in texts.items():
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise TargetSpecError(f"{where}: key {key!r} must be a string")
        if base_dir is not None and texts.get("wsdl") and "://" not in str(texts["wsdl"]):
            texts["wsdl"] = str(base_dir / str(texts["wsdl"]))
        specs.append(TargetSpec(table["name"], table["endpoint"], faults=list(faults),
                                **{k: str(v) for k, v in texts.items()}))
        origins[table["name"]] = where
    return specs, origins


def targets_from_tables(tables: list[Any], source: str = "configuration",
                        with_reference: bool = True) -> list[TargetSpec]:
    found, origins = specs_from_tables(tables, source)
    specs = [TargetSpec(REFERENCE, REFERENCE)] if with_reference else []
    names = [s.name for s in found]
    specs = [s for s in specs if s.name not in names] + found
    return checked(specs, origins)


def targets_from_file(path: Path, with_reference: bool = True) -> list[TargetSpec]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise TargetSpecError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TargetSpecError(f"{path} is not TOML: {exc}") from None
    tables = data.get("target", [])
    if not isinstance(tables, list) or not tables:
        raise TargetSpecError(f"{path} has no [[target]] tables")
    return targets_from_tables(tables, str(path), with_reference)


def checked(specs: list[TargetSpec], origins: dict[str, str] | None = None
            ) -> list[TargetSpec]:
    names = [s.name for s in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise TargetSpecError(f"target {', '.join(twice)} is named twice")
    if len(specs) < 1:
        raise TargetSpecError("no target to compare")
    for spec in specs:
        where = (origins or {}).get(spec.name)
        try:
            spec.check(in_file=where is not None)
        except TargetSpecError as exc:
            raise TargetSpecError(f"{where}: {exc}" if where else str(exc)) from None
    return specs
