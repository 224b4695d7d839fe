select
    source,
    item_id,
    entry_sha,
    counterpart_no,
    counterpart_name,
    office,
    country_code,
    country_name,
    organisation
from {{ source('raw', 'item_counterparts') }}
