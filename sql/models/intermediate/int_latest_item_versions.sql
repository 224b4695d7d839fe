{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
-- The newest version is found on the key columns, then joined back to the full rows (the
-- window ran over the full texts). Measured at 100,000 items with no memory limit: 24 s and
-- 2.3 GB against 32 s and 2.2 GB; the memory is the view's full texts, not the window.
with newest as (
    select source, item_id, max(version) as version
    from {{ ref('stg_item_versions') }} as s
    where {{ is_pending('s') }}
    group by source, item_id
)

select v.*
from {{ ref('stg_item_versions') }} as v
inner join newest as n
    on n.source = v.source and n.item_id = v.item_id and n.version = v.version
