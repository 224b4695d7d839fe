-- The seed's question, asked of the warehouse: the tone of each counterpart's calls period
-- by period (sql/seeds/periods.csv), in each government's own readouts, and, in the period
-- in which they fall, the calls where it changed against that counterpart's own history
-- (marts.tone_shifts: the date, the kind, what changed and the baseline it was measured
-- against).
with shifts as (
    select
        p.period_set,
        p.period,
        s.source,
        s.counterpart_key,
        count(*) as shifts,
        string_agg(
            strftime(s.call_date, '%Y-%m-%d') || ' ' || s.kind
            || coalesce(' ' || nullif(array_to_string(s.labels, ','), ''), '')
            || ' (against ' || s.baseline_calls || ' earlier days: '
            || coalesce(nullif(array_to_string(s.baseline_descriptors, ','), ''), 'no descriptor')
            || ')',
            '; ' order by s.call_date, s.kind
        ) as what_changed
    from marts.tone_shifts as s
    inner join marts.tone_by_country_period as p
        on p.source = s.source
        and p.counterpart_key = s.counterpart_key
        and s.call_date between p.start_date and p.end_date
    group by all
)

select
    p.source,
    p.counterpart_key,
    p.period_set,
    p.period,
    p.calls,
    p.share_with_descriptor,
    p.descriptors_used,
    p.avg_warmth,
    p.avg_convergence,
    coalesce(s.shifts, 0) as shifts,
    s.what_changed
from marts.tone_by_country_period as p
left join shifts as s using (period_set, period, source, counterpart_key)
order by p.source, p.counterpart_key, p.period_set, p.start_date
