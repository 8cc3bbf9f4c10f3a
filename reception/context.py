"""Everything a unit of work needs, loaded once per process: database, hall config, rules, calendar."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reception.config import HallConfig, load_config
from reception.deadlines import DeadlineRule
from reception.deadlines import load_rules as load_deadline_rules
from reception.routing import RoutingRules
from reception.routing import load_rules as load_routing_rules
from reception.storage.db import Database, open_database
from reception.workcal import WorkCalendar, load_calendar


@dataclass
class Context:
    db: Database
    config: HallConfig
    routing: RoutingRules
    deadline_rules: list[DeadlineRule]
    calendar: WorkCalendar

    def close(self) -> None:
        self.db.dispose()


def open_context(db_url: str | None = None, config_path: Path | None = None, *, migrate: bool = True) -> Context:
    config = load_config(config_path)
    return Context(
        db=open_database(db_url, migrate=migrate),
        config=config,
        routing=load_routing_rules(config.routing_rules_path, config),
        deadline_rules=load_deadline_rules(config.deadline_rules_path),
        calendar=load_calendar(config.calendar_dirs),
    )
