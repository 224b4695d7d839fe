-- The same call seen from both capitals: a call between the leaders of two sources (each
-- source's leaders and their terms in stg_sources, declared by its module), one row per
-- call, each side's readout, labels and length side by side. Two readouts match when each
-- names the other side's leader in office as its counterpart and their dates, each in its
-- own source's time zone, are at most a day apart (the closest in time wins). A call only
-- one side reported keeps its row with the other side empty: that silence is a finding.
-- Per label, whether the two sides agree (both reported it, or neither did): a label means
-- the same for every source (sql/seeds/README.md), and is compared only where both sources'
-- rules define it (int_source_signals); otherwise the pair says so (not_comparable).
{%- set signals = [
    "expressed_satisfaction", "expressed_gratitude", "expressed_condolences",
    "congratulations_or_greetings", "expressed_concern", "divergence", "exchange_of_views",
    "agreed_to_continue_contacts",
] %}
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
),

pairs as (
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
        {{ side_by_side(['source', 'item_id', 'title', 'url', 'call_date', 'call_kind', 'word_count', 'descriptors', 'signals', 'topics']) }}
    from paired as p
    left join leader_calls as a on a.source = p.a_source and a.item_id = p.a_item_id
    left join leader_calls as b on b.source = p.b_source and b.item_id = p.b_item_id
),

-- Per pair and signal: both sides reported the call, both sources' rules define the signal,
-- and whether each side's readout carries it.
compared as (
    select
        p.pair_id,
        p.a_source,
        p.b_source,
        r.signal,
        ra.signal is not null and rb.signal is not null as comparable,
        list_contains(p.a_signals, r.signal) as on_a,
        list_contains(p.b_signals, r.signal) as on_b
    from pairs as p
    cross join (select distinct signal from {{ ref('int_source_signals') }}) as r
    left join {{ ref('int_source_signals') }} as ra on ra.source = p.a_source and ra.signal = r.signal
    left join {{ ref('int_source_signals') }} as rb on rb.source = p.b_source and rb.signal = r.signal
    where p.reported_by = 'both'
),

agreement as (
    select
        pair_id,
        {%- for signal in signals %}
        case when bool_or(signal = {{ rule_literal(signal) }} and comparable) then
            bool_or(signal = {{ rule_literal(signal) }} and on_a = on_b)
        end as {{ signal }}_agree,
        {%- endfor %}
        coalesce(list_sort(
            list(signal || ': ' || case when on_a then a_source else b_source end || ' only')
                filter (where comparable and on_a != on_b)
        ), []) as one_side_only,
        coalesce(list_sort(list(signal) filter (where not comparable)), []) as not_comparable
    from compared
    group by pair_id
)

select
    p.*,
    {%- for signal in signals %}
    g.{{ signal }}_agree,
    {%- endfor %}
    case
        when p.reported_by = 'both' then (len(p.a_descriptors) > 0) = (len(p.b_descriptors) > 0)
    end as has_descriptor_agree,
    g.one_side_only,
    g.not_comparable
from pairs as p
left join agreement as g on g.pair_id = p.pair_id
order by p.call_date, p.pair_id
