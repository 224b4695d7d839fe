"""dbt's static docs site (models, columns, tests and the lineage graph in one HTML file
that opens offline), generated from the build warehouse and written beside the published
warehouse, where analysts look."""

from __future__ import annotations

import shutil
from pathlib import Path

from flows.settings import Settings
from flows.transform.project import DbtPaths, ModelBuildError, invoke


def docs_site_path(settings: Settings) -> Path:
    return settings.warehouse_path.parent / "docs" / "index.html"


def write_docs_site(settings: Settings) -> Path:
    """`dbt docs generate --static` on the build warehouse (the catalog reads its tables),
    then the self-contained page copied into place."""
    if not settings.build_path.exists():
        raise ModelBuildError(
            f"no build warehouse at {settings.build_path}: run `readouts run` or "
            "`readouts build` first"
        )
    paths = DbtPaths(settings.data_dir / "dbt")
    outcome = invoke(
        ["docs", "generate", "--static"], settings.build_path, paths, settings.dbt_project
    )
    if not outcome.success:
        raise ModelBuildError(f"dbt docs generate failed: {outcome.exception or outcome.result}")
    site = docs_site_path(settings)
    site.parent.mkdir(parents=True, exist_ok=True)
    temporary = site.with_suffix(".tmp")
    shutil.copyfile(paths.target / "static_index.html", temporary)
    temporary.replace(site)
    return site
