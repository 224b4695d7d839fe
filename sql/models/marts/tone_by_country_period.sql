{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_touched_counterparts() }}"
) }}
-- depends_on: {{ ref('stg_item_counterparts') }}
-- depends_on: {{ source('raw', 'pending_items') }}
-- Incremental by counterpart (sql/macros/incremental.sql): an incremental build recomputes
-- every row of each counterpart a pending item names, and only theirs.
select
    p.period_set,
    p.period,
    p.start_date,
    p.end_date,
    t.source,
    k.counterpart_key,
    k.counterpart_name,
    k.country_code,
    k.organisation,
    count(*) as calls,
    count(*) filter (where t.has_descriptor) as calls_with_descriptor,
    round(count(*) filter (where t.has_descriptor) / count(*), 3) as share_with_descriptor,
    count(*) filter (where t.expressed_satisfaction) as calls_expressed_satisfaction,
    list_sort(list_distinct(flatten(list(t.descriptors)))) as descriptors_used,
    round(avg(t.warmth), 2) as avg_warmth,
    round(avg(t.convergence), 2) as avg_convergence
from {{ ref('call_tone') }} as t
inner join {{ ref('int_call_counterpart_keys') }} as k
    on k.source = t.source and k.item_id = t.item_id
inner join {{ ref('stg_periods') }} as p on t.call_date between p.start_date and p.end_date
where {{ is_touched_counterpart('k.counterpart_key') }}
group by all
order by p.period_set, p.start_date, k.counterpart_key, t.source
