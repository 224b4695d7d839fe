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
    t.source,
    k.counterpart_key,
    k.counterpart_name,
    k.country_code,
    k.organisation,
    cast(date_trunc('month', t.call_date) as date) as month,
    count(*) as calls,
    count(*) filter (where t.has_descriptor) as calls_with_descriptor,
    count(*) filter (where not t.has_descriptor) as calls_without_descriptor,
    round(count(*) filter (where t.has_descriptor) / count(*), 3) as share_with_descriptor,
    count(*) filter (where t.expressed_satisfaction) as calls_expressed_satisfaction,
    count(*) filter (where t.expressed_concern) as calls_expressed_concern,
    count(*) filter (where t.divergence) as calls_with_divergence,
    round(avg(t.warmth), 2) as avg_warmth,
    round(avg(t.convergence), 2) as avg_convergence
from {{ ref('call_tone') }} as t
inner join {{ ref('int_call_counterpart_keys') }} as k
    on k.source = t.source and k.item_id = t.item_id
where {{ is_touched_counterpart('k.counterpart_key') }}
group by all
order by month, counterpart_key, t.source
