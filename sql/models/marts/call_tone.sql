{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_pending_items() }}"
) }}
-- Incremental by item (sql/macros/incremental.sql): an incremental build recomputes only the
-- items the loader listed in raw.pending_items.
with descriptors as (
    select
        m.source,
        m.item_id,
        list_sort(list_distinct(list(m.label))) as descriptors,
        avg(l.warmth) as warmth,
        avg(l.convergence) as convergence
    from {{ ref('int_descriptor_matches') }} as m
    inner join {{ ref('stg_tone_lexicon') }} as l on l.descriptor = m.label
    where {{ is_pending('m') }}
    group by all
),

signals as (
    select
        source,
        item_id,
        bool_or(label = 'expressed_satisfaction') as expressed_satisfaction,
        bool_or(label = 'expressed_gratitude') as expressed_gratitude,
        bool_or(label = 'expressed_condolences') as expressed_condolences,
        bool_or(label = 'congratulations_or_greetings') as congratulations_or_greetings,
        bool_or(label = 'expressed_concern') as expressed_concern,
        bool_or(label = 'divergence') as divergence,
        bool_or(label = 'exchange_of_views') as exchange_of_views,
        bool_or(label = 'agreed_to_continue_contacts') as agreed_to_continue_contacts
    from {{ ref('int_signal_matches') }} as m
    where {{ is_pending('m') }}
    group by all
)

select
    c.item_id,
    c.source,
    c.published_date_local as call_date,
    coalesce(d.descriptors, []::varchar[]) as descriptors,
    d.descriptors is not null as has_descriptor,
    round(d.warmth, 2) as warmth,
    round(d.convergence, 2) as convergence,
    coalesce(s.expressed_satisfaction, false) as expressed_satisfaction,
    coalesce(s.expressed_gratitude, false) as expressed_gratitude,
    coalesce(s.expressed_condolences, false) as expressed_condolences,
    coalesce(s.congratulations_or_greetings, false) as congratulations_or_greetings,
    coalesce(s.expressed_concern, false) as expressed_concern,
    coalesce(s.divergence, false) as divergence,
    coalesce(s.exchange_of_views, false) as exchange_of_views,
    coalesce(s.agreed_to_continue_contacts, false) as agreed_to_continue_contacts
from {{ ref('int_call_items') }} as c
left join descriptors as d on d.source = c.source and d.item_id = c.item_id
left join signals as s on s.source = c.source and s.item_id = c.item_id
where {{ is_pending('c') }}
order by c.published_at, c.item_id
