select
    fetch_id,
    run_id,
    source,
    url,
    page_no,
    fetched_at,
    status,
    sha256,
    size as size_bytes,
    raw_path,
    error,
    entries
from {{ source('raw', 'fetches') }}
