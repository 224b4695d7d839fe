-- The seed's question, asked of the warehouse: the tone of each counterpart's calls period
-- by period (sql/seeds/periods.csv), in each government's own readouts, and the calls
-- where it changed against that counterpart's history (marts.tone_shifts).
with periods as (
    select source, counterpart_key, period_set, period, start_date, calls, share_with_descriptor, descriptors_used
    from marts.tone_by_country_period
),

shifts as (
    select
        source,
        counterpart_key,
        count(*) as shifts,
        string_agg(
            strftime(call_date, '%Y-%m-%d') || ' ' || kind
            || coalesce(' ' || nullif(array_to_string(labels, ','), ''), ''),
            '; ' order by call_date, kind
        ) as what_changed
    from marts.tone_shifts
    group by all
)

select
    p.source,
    p.counterpart_key,
    p.period_set,
    p.period,
    p.descriptors_used,
    p.calls,
    p.share_with_descriptor,
    coalesce(s.shifts, 0) as shifts,
    s.what_changed
from periods as p
left join shifts as s using (source, counterpart_key)
order by p.source, p.counterpart_key, p.period_set, p.start_date
