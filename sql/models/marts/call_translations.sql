-- The same readout in two languages: one government's readout of a call published by two of
-- its sources (the Kremlin's Russian original and its English translation), side by side with
-- each one's labels and what one has that the other lacks, so that an analyst sees where a
-- translation dropped or softened a word. Two readouts are one event when their sources
-- declare the same country (stg_sources), their counterparts are the same countries or
-- organisations, and their dates are at most a day apart; the same item number (the
-- Kremlin's two sites are believed to share them) is preferred, then the nearest in time.
with governments as (
    select distinct source, country_code as government from {{ ref('stg_sources') }}
),

keys as (
    select source, item_id, list_sort(list_distinct(list(counterpart_key))) as counterpart_keys
    from {{ ref('call_counterparts') }}
    where counterpart_key is not null
    group by all
),

readouts as (
    select
        l.*,
        g.government,
        v.language,
        k.counterpart_keys
    from {{ ref('int_call_labels') }} as l
    inner join governments as g on g.source = l.source
    inner join {{ ref('int_latest_item_versions') }} as v
        on v.source = l.source and v.item_id = l.item_id
    inner join keys as k on k.source = l.source and k.item_id = l.item_id
),

candidates as (
    select
        a.source as a_source,
        a.item_id as a_item_id,
        b.source as b_source,
        b.item_id as b_item_id,
        a.item_id = b.item_id as same_item_id,
        abs(date_diff('day', a.call_date, b.call_date)) as days_apart,
        round(abs(epoch(a.published_at) - epoch(b.published_at)) / 60) as minutes_apart
    from readouts as a
    inner join readouts as b
        on a.source < b.source
        and a.government = b.government
        and a.counterpart_keys = b.counterpart_keys
        and abs(date_diff('day', a.call_date, b.call_date)) <= 1
),

matched as (
    select *
    from candidates
    qualify row_number() over (
        partition by a_source, a_item_id order by same_item_id desc, minutes_apart, b_item_id
    ) = 1
    and row_number() over (
        partition by b_source, b_item_id order by same_item_id desc, minutes_apart, a_item_id
    ) = 1
)

select
    m.a_source || '/' || m.a_item_id || ' = ' || m.b_source || '/' || m.b_item_id as pair_id,
    a.government,
    least(a.call_date, b.call_date) as call_date,
    array_to_string(a.counterpart_keys, ';') as counterparts,
    m.same_item_id,
    m.days_apart,
    m.minutes_apart,
    {{ side_by_side(['source', 'item_id', 'language', 'title', 'url', 'published_at', 'word_count', 'descriptors', 'signals', 'topics'], trailing_comma=true) }}
    {{ only_on_one_side(['descriptors', 'signals', 'topics']) }}
from matched as m
inner join readouts as a on a.source = m.a_source and a.item_id = m.a_item_id
inner join readouts as b on b.source = m.b_source and b.item_id = m.b_item_id
