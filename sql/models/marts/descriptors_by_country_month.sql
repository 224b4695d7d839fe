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
with calls as (
    select
        k.counterpart_key,
        k.counterpart_name,
        k.country_code,
        k.organisation,
        cast(date_trunc('month', t.call_date) as date) as month,
        t.item_id,
        t.source,
        t.descriptors
    from {{ ref('call_tone') }} as t
    inner join {{ ref('int_call_counterpart_keys') }} as k
        on k.source = t.source and k.item_id = t.item_id
    where {{ is_touched_counterpart('k.counterpart_key') }}
),

totals as (
    select source, counterpart_key, month, count(*) as calls from calls group by all
),

descriptor_calls as (
    select
        source, counterpart_key, counterpart_name, country_code, organisation, month,
        unnest(descriptors) as descriptor, item_id
    from calls
)

select
    d.source,
    d.counterpart_key,
    d.counterpart_name,
    d.country_code,
    d.organisation,
    d.month,
    d.descriptor,
    count(distinct d.item_id) as calls,
    t.calls as calls_in_month,
    round(count(distinct d.item_id) / t.calls, 3) as share_of_calls
from descriptor_calls as d
inner join totals as t
    on t.source = d.source and t.counterpart_key = d.counterpart_key and t.month = d.month
group by
    d.source, d.counterpart_key, d.counterpart_name, d.country_code, d.organisation, d.month,
    d.descriptor, t.calls
order by d.month, d.counterpart_key, d.descriptor, d.source
