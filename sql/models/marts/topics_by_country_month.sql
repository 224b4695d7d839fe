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
        cast(date_trunc('month', c.published_date_local) as date) as month,
        c.source,
        c.item_id
    from {{ ref('int_call_items') }} as c
    inner join {{ ref('int_call_counterpart_keys') }} as k
        on k.source = c.source and k.item_id = c.item_id
    where {{ is_touched_counterpart('k.counterpart_key') }}
),

totals as (
    select source, counterpart_key, month, count(*) as calls from calls group by all
)

select
    c.source,
    c.counterpart_key,
    c.counterpart_name,
    c.country_code,
    c.organisation,
    c.month,
    t.topic,
    t.topic_label,
    count(distinct c.item_id) as calls,
    totals.calls as calls_in_month,
    round(count(distinct c.item_id) / totals.calls, 3) as share_of_calls
from calls as c
inner join {{ ref('call_topics') }} as t on t.source = c.source and t.item_id = c.item_id
inner join totals
    on totals.source = c.source and totals.counterpart_key = c.counterpart_key
    and totals.month = c.month
group by
    c.source, c.counterpart_key, c.counterpart_name, c.country_code, c.organisation, c.month,
    t.topic, t.topic_label, totals.calls
order by c.month, c.counterpart_key, t.topic, c.source
