with observations as (
    select distinct i.source, i.item_id, i.entry_sha, i.updated_at, f.fetch_id, f.fetched_at
    from {{ source('raw', 'item_versions') }} as i
    inner join {{ source('raw', 'fetch_entries') }} as e on e.source = i.source and e.entry_sha = i.entry_sha
    inner join {{ source('raw', 'fetches') }} as f on f.fetch_id = e.fetch_id
    union
    select i.source, i.item_id, i.entry_sha, i.updated_at, f.fetch_id, f.fetched_at
    from {{ source('raw', 'item_versions') }} as i
    inner join {{ source('raw', 'fetches') }} as f on f.fetch_id = i.fetch_id
),

ordered as (
    select
        *,
        lag(entry_sha) over (
            partition by source, item_id
            order by updated_at nulls first, fetched_at, fetch_id
        ) as previous_sha
    from observations
),

numbered as (
    select
        *,
        sum(case when previous_sha is distinct from entry_sha then 1 else 0 end) over (
            partition by source, item_id
            order by updated_at nulls first, fetched_at, fetch_id
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
