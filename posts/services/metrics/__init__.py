"""Writes of reach metrics: the daily rollups (``rollups``, built in three steps: ``facts``,
``share_days``, ``aggregates``), EMV rates, point weights and opt-ins, and the export audit.
Every public name is importable from ``posts.services.metrics``."""

from posts.services.metrics.exports import metrics_export_record
from posts.services.metrics.facts import primary_team_ids, programme_day, programme_day_bounds
from posts.services.metrics.leaderboards import (
    leaderboard_opt_in,
    leaderboard_opt_out,
    point_weights_set,
)
from posts.services.metrics.rates import metric_rate_create, metric_rate_delete
from posts.services.metrics.rollups import (
    WATERMARK_OVERLAP,
    MetricsError,
    RollupResult,
    metrics_rebuild,
    metrics_rollup,
)

__all__ = [
    "WATERMARK_OVERLAP",
    "MetricsError",
    "RollupResult",
    "leaderboard_opt_in",
    "leaderboard_opt_out",
    "metric_rate_create",
    "metric_rate_delete",
    "metrics_export_record",
    "metrics_rebuild",
    "metrics_rollup",
    "point_weights_set",
    "primary_team_ids",
    "programme_day",
    "programme_day_bounds",
]
