-- Each call readout with its labels gathered in lists, for the marts that set two sources'
-- readouts side by side: descriptors, signals and topics, each with evidence in
-- marts.tone_evidence.
with signals as (
    select source, item_id, list_sort(list_distinct(list(label))) as signals
    from {{ ref('tone_evidence') }}
    where label_kind = 'signal'
    group by all
),

topics as (
    select source, item_id, list_sort(list(topic)) as topics
    from {{ ref('call_topics') }}
    group by all
)

select
    c.source,
    c.item_id,
    c.url,
    c.title,
    c.published_at,
    c.call_date,
    c.call_kind,
    c.word_count,
    t.descriptors,
    coalesce(s.signals, []::varchar[]) as signals,
    coalesce(tp.topics, []::varchar[]) as topics
from {{ ref('calls') }} as c
inner join {{ ref('call_tone') }} as t on t.source = c.source and t.item_id = c.item_id
left join signals as s on s.source = c.source and s.item_id = c.item_id
left join topics as tp on tp.source = c.source and tp.item_id = c.item_id
