-- One row per call per government, whatever the number of languages it was published in:
-- a readout and its translation (marts.call_translations) are one event, keyed by the
-- readout of the source first in name order. Count calls by government and counterpart here;
-- the other marts keep one row per source.
with governments as (
    select distinct source, country_code as government from {{ ref('stg_sources') }}
),

translated as (
    select b_source as source, b_item_id as item_id, a_source, a_item_id
    from {{ ref('call_translations') }}
),

events as (
    select
        g.government,
        coalesce(t.a_source, c.source) as event_source,
        coalesce(t.a_item_id, c.item_id) as event_item_id,
        c.source,
        c.item_id,
        c.call_date,
        c.call_kind,
        c.call_scope
    from {{ ref('calls') }} as c
    inner join governments as g on g.source = c.source
    left join translated as t on t.source = c.source and t.item_id = c.item_id
),

counterparts as (
    select source, item_id, list_sort(list_distinct(list(counterpart_key))) as counterpart_keys
    from {{ ref('call_counterparts') }}
    where counterpart_key is not null
    group by all
)

select
    e.government,
    e.event_source || '/' || e.event_item_id as event_id,
    min(e.call_date) as call_date,
    any_value(e.call_kind order by e.source) as call_kind,
    any_value(e.call_scope order by e.source) as call_scope,
    coalesce(any_value(p.counterpart_keys order by e.source), []::varchar[]) as counterpart_keys,
    list_sort(list(e.source || '/' || e.item_id)) as readouts,
    count(*) as readout_count
from events as e
left join counterparts as p on p.source = e.source and p.item_id = e.item_id
group by e.government, e.event_source, e.event_item_id
