{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
-- A call is domestic when every counterpart is of the source's own country (its module
-- declares it: for the Kremlin, Russian officials and citizens, resolved to RU).
with own_countries as (
    select distinct source, country_code from {{ ref('stg_sources') }}
),

counterparts as (
    select
        p.source,
        p.item_id,
        p.entry_sha,
        count(*) as counterpart_count,
        count(*) filter (
            where p.country_code = o.country_code and p.organisation is null
        ) as own_country_count
    from {{ ref('stg_item_counterparts') }} as p
    left join own_countries as o on o.source = p.source
    where {{ is_pending('p') }}
    group by all
)

select
    v.source,
    v.item_id,
    v.entry_sha,
    v.version,
    v.url,
    v.title,
    v.published_at,
    v.published_date_local,
    v.kind,
    case
        when c.counterpart_count > 0 and c.own_country_count = c.counterpart_count then 'domestic'
        else 'foreign'
    end as call_scope,
    v.initiated_by,
    v.initiative_evidence,
    coalesce(c.counterpart_count, 0) as counterpart_count,
    len(regexp_extract_all(v.text, '\S+')) as word_count
from {{ ref('int_latest_item_versions') }} as v
left join counterparts as c
    on c.source = v.source and c.item_id = v.item_id and c.entry_sha = v.entry_sha
where v.kind in ('telephone call', 'video call')
    and {{ is_pending('v') }}
