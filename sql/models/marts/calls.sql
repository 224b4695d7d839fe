{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
select
    item_id,
    source,
    url,
    title,
    published_at,
    published_date_local as call_date,
    kind as call_kind,
    call_scope,
    initiated_by,
    initiative_evidence,
    counterpart_count,
    word_count,
    version
from {{ ref('int_call_items') }} as c
where {{ is_pending('c') }}
order by published_at, item_id
