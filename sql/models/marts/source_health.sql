-- Each run's entries measured against nothing but themselves: an entry (one version of an
-- item) counts in the run that first fetched it, so pages fetched again later do not dilute
-- a run. flows/transform/source_health.py reads these rows and judges the newest run against
-- the earlier ones (flows/validate/drift.py, tuned by sql/seeds/drift_checks.csv).
with runs as (
    select source, run_id, min(fetched_at) as fetched_at
    from {{ ref('stg_fetches') }}
    group by all
),

first_seen as (
    select e.source, e.entry_sha, arg_min(f.run_id, f.fetched_at) as run_id
    from {{ source('raw', 'fetch_entries') }} as e
    inner join {{ ref('stg_fetches') }} as f on f.fetch_id = e.fetch_id
    group by all
),

versions as (
    select distinct source, item_id, entry_sha, kind, language, url
    from {{ ref('stg_item_versions') }}
),

sentences as (
    select source, item_id, entry_sha, count(*) as sentences
    from {{ ref('stg_sentences') }}
    group by all
),

resolved as (
    select distinct source, item_id, entry_sha
    from {{ ref('stg_item_counterparts') }}
    where country_code is not null or organisation is not null
),

toned as (
    select source, item_id from {{ ref('int_descriptor_matches') }}
    union
    select source, item_id from {{ ref('int_signal_matches') }}
),

entries as (
    select
        s.source,
        s.run_id,
        s.entry_sha,
        fate.fate,
        v.item_id,
        v.kind in ('telephone call', 'video call') as is_call,
        v.language,
        regexp_extract(v.url, '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1) as host,
        coalesce(n.sentences, 0) as sentences,
        r.item_id is not null as is_resolved,
        t.item_id is not null as is_toned
    from first_seen as s
    inner join {{ ref('stg_entry_fates') }} as fate
        on fate.source = s.source and fate.entry_sha = s.entry_sha
    left join versions as v on v.source = s.source and v.entry_sha = s.entry_sha
    left join sentences as n
        on n.source = v.source and n.item_id = v.item_id and n.entry_sha = v.entry_sha
    left join resolved as r
        on r.source = v.source and r.item_id = v.item_id and r.entry_sha = v.entry_sha
    left join toned as t on t.source = v.source and t.item_id = v.item_id
),

measured as (
    select
        source,
        run_id,
        count(*) as entries,
        count(*) filter (where fate = 'quarantined') as entries_quarantined,
        count(*) filter (where fate = 'loaded') as items,
        count(*) filter (where is_call) as calls,
        count(*) filter (where is_call and is_resolved) as calls_resolved,
        count(*) filter (where is_call and is_toned) as calls_toned,
        median(sentences) filter (where fate = 'loaded') as sentences_per_item,
        list_sort(list(distinct language) filter (where language is not null)) as languages,
        list_sort(list(distinct host) filter (where host is not null and host != '')) as hosts
    from entries
    group by all
)

select
    m.source,
    m.run_id,
    r.fetched_at,
    m.entries,
    m.entries_quarantined,
    round(m.entries_quarantined / m.entries, 4) as quarantine_share,
    m.items,
    m.calls,
    round(m.calls / nullif(m.items, 0), 4) as call_share,
    m.calls_resolved,
    round(m.calls_resolved / nullif(m.calls, 0), 4) as resolved_share,
    m.calls_toned,
    round(m.calls_toned / nullif(m.calls, 0), 4) as toned_share,
    m.sentences_per_item::double as sentences_per_item,
    m.languages,
    m.hosts
from measured as m
inner join runs as r on r.source = m.source and r.run_id = m.run_id
order by m.source, r.fetched_at, m.run_id
