with unresolved as (
    select
        c.source,
        c.item_id,
        c.title,
        c.url,
        c.published_date_local as call_date,
        c.published_at,
        p.counterpart_no as position,
        'unresolved_counterpart' as review_reason,
        'counterpart ' || p.counterpart_no || ' "' || p.counterpart_name || '"'
        || coalesce(' (office: ' || p.office || ')', '')
        || ' matched no country, organisation or person in the reference data: add the'
        || ' country''s spelling to sql/seeds/sources/countries_overrides.csv (aliases or'
        || ' adjectives) and run python scripts/generate_reference.py, add an organisation to'
        || ' sql/seeds/sources/organisations.csv (same script), or add the person to'
        || ' sql/seeds/people.csv; the next readouts run reprocesses the landed pages'
        || ' (readouts run --reprocess forces it)' as detail
    from {{ ref('int_call_items') }} as c
    inner join {{ ref('stg_item_counterparts') }} as p
        on p.source = c.source and p.item_id = c.item_id and p.entry_sha = c.entry_sha
    where p.country_code is null and p.organisation is null
),

flagged as (
    select
        v.source,
        v.item_id,
        v.title,
        v.url,
        v.published_date_local as call_date,
        v.published_at,
        0 as position,
        f.review_reason,
        f.detail || ': the item is loaded as "' || v.kind || '"; if it is a call readout, '
        || 'add its phrasing to the source''s rules, or ignore this row' as detail
    from {{ ref('stg_review_flags') }} as f
    inner join {{ ref('int_latest_item_versions') }} as v
        on v.source = f.source and v.item_id = f.item_id and v.entry_sha = f.entry_sha
)

select source, item_id, title, url, call_date, review_reason, detail
from (
    select * from unresolved
    union all
    select * from flagged
)
order by published_at, item_id, position
