-- Every entry that landed in the raw zone is either loaded or quarantined.
select f.source, f.entry_id, f.entry_sha, f.fetch_id
from {{ source('raw', 'fetch_entries') }} as f
where not exists (
    select 1 from {{ source('raw', 'item_versions') }} as i where i.source = f.source and i.entry_sha = f.entry_sha
)
and not exists (
    select 1 from {{ source('raw', 'quarantine') }} as q where q.source = f.source and q.entry_sha = f.entry_sha
)
