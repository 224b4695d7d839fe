select
    source,
    entry_sha,
    fetch_id,
    raw_path,
    item_id,
    entry_position,
    reason
from {{ source('raw', 'quarantine') }}
