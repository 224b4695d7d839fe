{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
-- Every name of either side of each call: its own side (the source's country by any name,
-- official name, alias or adjective, and its leaders' names, stg_sources) and each
-- counterpart (its country likewise, its organisation and the organisation's aliases, the
-- person's name and each word of it). What a signal's {party} slot must name for the hit to
-- count (int_signal_matches): the object of "urged", "condemned", "made clear to".
with sides as (
    select c.source, c.item_id, 'own' as side, s.country_code, null::varchar as organisation,
        s.leader as person_name
    from {{ ref('int_call_items') }} as c
    inner join {{ ref('stg_sources') }} as s on s.source = c.source
    where {{ is_pending('c') }}
    union all
    select c.source, c.item_id, 'counterpart', p.country_code, p.organisation, p.counterpart_name
    from {{ ref('int_call_items') }} as c
    inner join {{ ref('stg_item_counterparts') }} as p
        on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
    where {{ is_pending('c') }}
),

country_names as (
    select
        code,
        unnest(string_split(concat_ws('|', name, official_names, aliases, adjectives), '|')) as name
    from {{ ref('countries') }}
),

organisation_names as (
    select name as organisation, unnest(string_split(concat_ws('|', name, aliases), '|')) as name
    from {{ ref('organisations') }}
),

names as (
    select s.source, s.item_id, s.side, n.name
    from sides as s
    inner join country_names as n on n.code = s.country_code
    union all
    select s.source, s.item_id, s.side, s.organisation
    from sides as s
    union all
    select s.source, s.item_id, s.side, n.name
    from sides as s
    inner join organisation_names as n on n.organisation = s.organisation
    union all
    select s.source, s.item_id, s.side, s.person_name
    from sides as s
    union all
    select s.source, s.item_id, s.side, unnest(regexp_extract_all(s.person_name, '[A-Z][\w’''-]+'))
    from sides as s
)

select distinct source, item_id, side, trim(name) as name
from names
where trim(coalesce(name, '')) != ''
order by source, item_id, side, name
