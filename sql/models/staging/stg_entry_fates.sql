with landed as (
    select distinct source, entry_sha
    from {{ source('raw', 'fetch_entries') }}
)

select
    l.source,
    l.entry_sha,
    case
        when exists (
            select 1 from {{ source('raw', 'item_versions') }} as i
            where i.source = l.source and i.entry_sha = l.entry_sha
        ) then 'loaded'
        when exists (
            select 1 from {{ source('raw', 'quarantine') }} as q
            where q.source = l.source and q.entry_sha = l.entry_sha
        ) then 'quarantined'
        else 'missing'
    end as fate
from landed as l
