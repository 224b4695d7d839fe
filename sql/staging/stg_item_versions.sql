-- One row per version of an item: a version is a distinct content of the same feed entry
-- (the site edits items after publication). Versions are numbered by their `updated`
-- stamp, then by when they were first fetched.
with versions as (
    select
        i.*,
        f.fetched_at as first_fetched_at
    from raw.item_versions as i
    inner join raw.fetches as f on f.fetch_id = i.fetch_id
)

select
    source,
    item_id,
    entry_sha,
    row_number() over (
        partition by source, item_id
        order by updated_at nulls first, first_fetched_at, entry_sha
    ) as version,
    url,
    title,
    published_at,
    updated_at,
    published_date_local,
    published_raw,
    updated_raw,
    lead,
    body,
    text,
    kind,
    language,
    initiated_by,
    initiative_evidence,
    first_fetched_at,
    fetch_id
from versions
