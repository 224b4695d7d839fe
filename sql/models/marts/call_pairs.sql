-- The same call seen from both capitals: a call between the leaders of two sources (each
-- source's leaders and their terms in stg_sources, declared by its module), one row per
-- call, each side's readout, labels and length side by side. Two readouts match when each
-- names the other side's leader in office as its counterpart and their dates, each in its
-- own source's time zone, are at most a day apart (the closest in time wins). A call only
-- one side reported keeps its row with the other side empty: that silence is a finding.
with leaders as (
    select * from {{ ref('stg_sources') }}
),

leader_calls as (
    select
        l.*,
        own.leader as own_leader,
        other.source as other_source,
        other.leader as other_leader,
        p.person_name,
        p.country_code
    from {{ ref('int_call_labels') }} as l
    inner join {{ ref('call_counterparts') }} as p
        on p.source = l.source and p.item_id = l.item_id
    inner join leaders as own
        on own.source = l.source
        and l.call_date between own.term_start and coalesce(own.term_end, l.call_date)
    inner join leaders as other
        on other.source != l.source
        and other.country_code = p.country_code
        and l.call_date between other.term_start and coalesce(other.term_end, l.call_date)
        and (
            p.person_name = other.leader
            or regexp_matches(p.person_name, '\b' || other.leader_surname || '$')
        )
),

candidates as (
    select
        a.source as a_source,
        a.item_id as a_item_id,
        b.source as b_source,
        b.item_id as b_item_id,
        abs(date_diff('day', a.call_date, b.call_date)) as days_apart,
        abs(epoch(a.published_at) - epoch(b.published_at)) as seconds_apart
    from leader_calls as a
    inner join leader_calls as b
        on a.source < b.source
        and a.other_source = b.source
        and a.other_leader = b.own_leader
        and b.other_leader = a.own_leader
        and abs(date_diff('day', a.call_date, b.call_date)) <= 1
),

matched as (
    select *
    from candidates
    qualify row_number() over (
        partition by a_source, a_item_id order by seconds_apart, b_item_id
    ) = 1
    and row_number() over (partition by b_source, b_item_id order by seconds_apart, a_item_id) = 1
),

paired as (
    select a_source, a_item_id, b_source, b_item_id, days_apart from matched
    union all
    select source, item_id, null, null, null
    from leader_calls as l
    where source < other_source
        and not exists (
            select 1 from matched as m where m.a_source = l.source and m.a_item_id = l.item_id
        )
    union all
    select null, null, source, item_id, null
    from leader_calls as l
    where source > other_source
        and not exists (
            select 1 from matched as m where m.b_source = l.source and m.b_item_id = l.item_id
        )
)

select distinct
    coalesce(a.source || '/' || a.item_id, '-') || ' + ' || coalesce(b.source || '/' || b.item_id, '-')
        as pair_id,
    coalesce(a.own_leader, b.other_leader) || ' - ' || coalesce(a.other_leader, b.own_leader)
        as leaders,
    least(a.call_date, b.call_date) as call_date,
    case
        when a.item_id is not null and b.item_id is not null then 'both'
        else coalesce(a.source, b.source) || ' only'
    end as reported_by,
    case
        when a.item_id is not null and b.item_id is not null then
            a.source || ' ' || a.item_id || ' (' || strftime(a.call_date, '%Y-%m-%d')
            || ', its own date) names ' || a.person_name || ' (' || a.country_code || '); '
            || b.source || ' ' || b.item_id || ' (' || strftime(b.call_date, '%Y-%m-%d')
            || ', its own date) names ' || b.person_name || ' (' || b.country_code || '); '
            || p.days_apart || ' day(s) apart'
    end as match_evidence,
    p.days_apart,
    a.source as a_source,
    a.item_id as a_item_id,
    a.title as a_title,
    a.url as a_url,
    a.call_date as a_call_date,
    a.call_kind as a_call_kind,
    a.word_count as a_word_count,
    a.descriptors as a_descriptors,
    a.signals as a_signals,
    a.topics as a_topics,
    b.source as b_source,
    b.item_id as b_item_id,
    b.title as b_title,
    b.url as b_url,
    b.call_date as b_call_date,
    b.call_kind as b_call_kind,
    b.word_count as b_word_count,
    b.descriptors as b_descriptors,
    b.signals as b_signals,
    b.topics as b_topics
from paired as p
left join leader_calls as a on a.source = p.a_source and a.item_id = p.a_item_id
left join leader_calls as b on b.source = p.b_source and b.item_id = p.b_item_id
order by call_date, pair_id
