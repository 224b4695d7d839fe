-- Versions are ordered by the feed's own dates (updated, then published), then by walk
-- (a later run saw the feed later) and, within one walk, by page order: a feed lists its
-- newest entries first, so a copy on page 1 is newer than one on page 2 that the walk
-- fetched after it. Fetch order alone let a stale copy on a later page win.
with fetches as (
    select *, min(fetched_at) over (partition by run_id) as walk_started_at
    from {{ source('raw', 'fetches') }}
),

observations as (
    select distinct
        i.source, i.item_id, i.entry_sha, i.updated_at, i.published_at,
        f.walk_started_at, f.page_no, f.fetch_id, f.fetched_at
    from {{ source('raw', 'item_versions') }} as i
    inner join {{ source('raw', 'fetch_entries') }} as e on e.source = i.source and e.entry_sha = i.entry_sha
    inner join fetches as f on f.fetch_id = e.fetch_id
    union
    select
        i.source, i.item_id, i.entry_sha, i.updated_at, i.published_at,
        f.walk_started_at, f.page_no, f.fetch_id, f.fetched_at
    from {{ source('raw', 'item_versions') }} as i
    inner join fetches as f on f.fetch_id = i.fetch_id
),

ordered as (
    select
        *,
        lag(entry_sha) over (
            partition by source, item_id
            order by updated_at nulls first, published_at nulls first, walk_started_at,
                page_no desc, fetched_at, fetch_id
        ) as previous_sha
    from observations
),

numbered as (
    select
        *,
        sum(case when previous_sha is distinct from entry_sha then 1 else 0 end) over (
            partition by source, item_id
            order by updated_at nulls first, published_at nulls first, walk_started_at,
                page_no desc, fetched_at, fetch_id
            rows between unbounded preceding and current row
        ) as version
    from ordered
),

versions as (
    select
        source,
        item_id,
        version,
        any_value(entry_sha) as entry_sha,
        min(fetched_at) as first_fetched_at,
        arg_min(fetch_id, fetched_at) as fetch_id
    from numbered
    group by source, item_id, version
)

select
    v.source,
    v.item_id,
    v.entry_sha,
    v.version::bigint as version,
    i.url,
    i.title,
    i.published_at,
    i.updated_at,
    i.published_date_local,
    i.published_raw,
    i.updated_raw,
    i.lead,
    i.body,
    i.text,
    i.kind,
    i.language,
    i.initiated_by,
    i.initiative_evidence,
    v.first_fetched_at,
    v.fetch_id
from versions as v
inner join {{ source('raw', 'item_versions') }} as i
    on i.source = v.source and i.item_id = v.item_id and i.entry_sha = v.entry_sha
