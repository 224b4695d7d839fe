{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ forget_touched_since() }}",
    post_hook="{{ rename_kept_counterparts(ref('int_call_counterpart_keys')) }}"
) }}
-- depends_on: {{ ref('stg_item_counterparts') }}
-- depends_on: {{ source('raw', 'pending_items') }}
-- depends_on: {{ source('raw', 'item_versions') }}
-- One row per call, counterpart and kind of change of tone against that counterpart's own
-- earlier calls in the same government's readouts (a government's readouts in several
-- languages are one history: the government is the source's country). The baseline is the
-- counterpart's calls on earlier days within the kind's window (sql/seeds/tone_shift_rules.csv);
-- a counterpart with fewer baseline days than the kind's minimum gets no row of that kind.

with governments as (
    select distinct source, country_code as government
    from {{ ref('stg_sources') }}
),

calls as (
    select
        t.*,
        g.government,
        cc.counterpart_key,
        cc.counterpart_name,
        cc.country_code,
        cc.organisation
    from {{ ref('call_tone') }} as t
    inner join governments as g on g.source = t.source
    -- one row per call and counterpart, however many of the counterpart's people it names
    inner join {{ ref('int_call_counterpart_keys') }} as cc
        on cc.source = t.source and cc.item_id = t.item_id
    -- incremental by counterpart and date (sql/macros/incremental.sql): a call's shifts
    -- depend only on the same counterpart's earlier calls within the rules' windows, so a
    -- build recomputes the calls on or after the earliest date a pending item touches, from
    -- the calls of the longest window before it
    where {{ is_touched_since(
        'cc.counterpart_key',
        't.call_date',
        "select max(window_days) from " ~ ref('stg_tone_shift_rules')
    ) }}
),

-- the calls whose shifts this build computes
subjects as (
    select * from calls as c
    where {{ is_touched_since('c.counterpart_key', 'c.call_date') }}
),

signals as (
    unpivot (
        select
            source, item_id, counterpart_key, expressed_satisfaction, expressed_gratitude,
            expressed_condolences, congratulations_or_greetings, expressed_concern,
            divergence, exchange_of_views, agreed_to_continue_contacts
        from calls
    )
    on expressed_satisfaction, expressed_gratitude, expressed_condolences,
        congratulations_or_greetings, expressed_concern, divergence, exchange_of_views,
        agreed_to_continue_contacts
    into name signal value present
),

-- the counterpart's history, one row per government and day (the same call reported in
-- two languages is one day of history)
history as (
    select
        c.government,
        c.counterpart_key,
        c.call_date,
        bool_or(c.has_descriptor) as has_descriptor,
        list_sort(list_distinct(flatten(list(c.descriptors)))) as descriptors,
        avg(c.warmth) as warmth,
        avg(c.convergence) as convergence
    from calls as c
    group by all
),

history_signals as (
    select c.government, c.counterpart_key, c.call_date, s.signal, bool_or(s.present) as present
    from signals as s
    inner join calls as c
        on c.source = s.source and c.item_id = s.item_id and c.counterpart_key = s.counterpart_key
    group by all
),

-- the counterpart's descriptors, one row per government, day and descriptor
history_descriptors as (
    select distinct c.government, c.counterpart_key, c.call_date, u.descriptor
    from calls as c, unnest(c.descriptors) as u (descriptor)
),

-- each call with each kind's rule and the baseline days in that kind's window: not
-- materialized, because its rows are calls x kinds x baseline days (26.7 million at 100,000
-- items, with their descriptor lists), more than the build's memory limit holds; each use
-- below streams it into its own aggregate
baseline_days as not materialized (
    select
        c.source, c.item_id, c.counterpart_key, c.government, r.kind, r.threshold, r.min_baseline,
        r.signals, h.* exclude (government, counterpart_key)
    from subjects as c
    inner join {{ ref('stg_tone_shift_rules') }} as r on true
    inner join history as h
        on h.government = c.government
        and h.counterpart_key = c.counterpart_key
        and h.call_date < c.call_date
        and h.call_date >= c.call_date - r.window_days
),

baseline_stats as (
    select
        source,
        item_id,
        counterpart_key,
        kind,
        any_value(threshold) as threshold,
        any_value(signals) as signals,
        count(*) as baseline_calls,
        min(call_date) as baseline_from,
        max(call_date) as baseline_to,
        avg(has_descriptor::integer) as descriptor_share,
        avg(warmth) as baseline_warmth,
        avg(convergence) as baseline_convergence
    from baseline_days
    group by source, item_id, counterpart_key, kind
    having count(*) >= any_value(min_baseline)
),

-- the baseline days of each descriptor: counted through a join with the days' descriptors,
-- not by gathering every day's list (a list aggregate holds all its input in memory)
descriptor_use as materialized (
    select d.source, d.item_id, d.counterpart_key, d.kind, hd.descriptor, count(*) as days
    from baseline_days as d
    inner join history_descriptors as hd
        on hd.government = d.government
        and hd.counterpart_key = d.counterpart_key
        and hd.call_date = d.call_date
    group by all
),

baselines as materialized (
    select s.*, coalesce(u.descriptors, []::varchar[]) as baseline_descriptors
    from baseline_stats as s
    left join (
        select
            source, item_id, counterpart_key, kind, list(descriptor order by descriptor) as descriptors
        from descriptor_use
        group by all
    ) as u using (source, item_id, counterpart_key, kind)
),

signal_use as materialized (
    select d.source, d.item_id, d.counterpart_key, hs.signal, avg(hs.present::integer) as share
    from baseline_days as d
    inner join calls as c
        on c.source = d.source and c.item_id = d.item_id and c.counterpart_key = d.counterpart_key
    inner join history_signals as hs
        on hs.government = c.government
        and hs.counterpart_key = d.counterpart_key
        and hs.call_date = d.call_date
    where d.kind = 'signal_change'
    group by all
),

shifts as (
    select b.source, b.item_id, b.counterpart_key, b.kind, null::varchar[] as labels
    from baselines as b
    inner join calls as c using (source, item_id, counterpart_key)
    where b.kind = 'descriptors_dropped'
        and not c.has_descriptor
        and b.descriptor_share >= b.threshold

    union all
    select b.source, b.item_id, b.counterpart_key, b.kind,
        list_filter(c.descriptors, lambda x: not list_contains(b.baseline_descriptors, x))
    from baselines as b
    inner join calls as c using (source, item_id, counterpart_key)
    where b.kind = 'new_descriptor'
        and len(list_filter(c.descriptors, lambda x: not list_contains(b.baseline_descriptors, x))) > 0

    union all
    select b.source, b.item_id, b.counterpart_key, b.kind, list_sort(list(u.descriptor))
    from baselines as b
    inner join calls as c using (source, item_id, counterpart_key)
    inner join descriptor_use as u using (source, item_id, counterpart_key, kind)
    where b.kind = 'descriptor_lost'
        and u.days >= b.threshold * b.baseline_calls
        and not list_contains(c.descriptors, u.descriptor)
    group by all

    union all
    select b.source, b.item_id, b.counterpart_key, b.kind, null
    from baselines as b
    inner join calls as c using (source, item_id, counterpart_key)
    where (b.kind = 'warmth_change' and abs(c.warmth - b.baseline_warmth) >= b.threshold)
        or (
            b.kind = 'convergence_change'
            and abs(c.convergence - b.baseline_convergence) >= b.threshold
        )

    union all
    select
        b.source,
        b.item_id,
        b.counterpart_key,
        b.kind,
        list_sort(list((case when s.present then '+' else '-' end) || u.signal))
    from baselines as b
    inner join signal_use as u using (source, item_id, counterpart_key)
    inner join signals as s using (source, item_id, counterpart_key, signal)
    where b.kind = 'signal_change'
        and (b.signals is null or list_contains(b.signals, u.signal))
        and (
            (u.share >= b.threshold and not s.present)
            or (u.share <= 1 - b.threshold and s.present)
        )
    group by all
),

evidence as (
    select source, item_id, list(sentence_text order by sentence_no) as sentences
    from (
        select distinct source, item_id, sentence_no, sentence_text
        from {{ ref('tone_evidence') }} as e
        where label_kind in ('descriptor', 'signal')
            and exists (
                select 1 from subjects as s where s.source = e.source and s.item_id = e.item_id
            )
    )
    group by all
)

select
    s.source,
    s.item_id,
    c.call_date,
    c.government,
    s.counterpart_key,
    c.counterpart_name,
    c.country_code,
    c.organisation,
    s.kind,
    coalesce(s.labels, []::varchar[]) as labels,
    b.baseline_calls,
    b.baseline_from,
    b.baseline_to,
    round(b.descriptor_share, 2) as baseline_descriptor_share,
    b.baseline_descriptors,
    round(b.baseline_warmth, 2) as baseline_warmth,
    round(b.baseline_convergence, 2) as baseline_convergence,
    c.descriptors,
    c.warmth,
    c.convergence,
    coalesce(e.sentences, []::varchar[]) as evidence
from shifts as s
inner join calls as c using (source, item_id, counterpart_key)
inner join baselines as b using (source, item_id, counterpart_key, kind)
left join evidence as e using (source, item_id)
order by c.call_date, s.source, s.item_id, s.counterpart_key, s.kind
